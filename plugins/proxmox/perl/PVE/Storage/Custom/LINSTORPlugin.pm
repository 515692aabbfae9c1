package PVE::Storage::Custom::LINSTORPlugin;

# Proxmox VE storage plugin for a LINSTOR-compatible controller.
#
# This module has no storage logic: every method sends its arguments as JSON to the
# `linstor-pve-hook` executable (TypeScript, see plugins/proxmox/hook/main.ts) and returns
# what it answers. A failure of the hook becomes a `die` with the hook's message.
# When `linstor-pve-hook --serve` runs (systemd unit linstor-pve-hook), the request goes over
# its unix socket instead, which saves starting a process per call.
# LINSTOR_PVE_SOCKET names another socket ('' disables it); LINSTOR_PVE_HOOK names another
# hook command (split on spaces).

use strict;
use warnings;

use IO::Socket::UNIX;
use IPC::Open3 qw(open3);
use JSON::PP;

use PVE::INotify;
use PVE::Storage;
use PVE::Storage::Plugin;

use base qw(PVE::Storage::Plugin);

my $DEFAULT_HOOK   = '/usr/bin/linstor-pve-hook';
my $DEFAULT_SOCKET = '/run/linstor-pve/hook.sock';

# Highest storage API version this plugin was checked against (pve-storage ApiChangeLog).
my $TESTED_APIVER = 15;

sub api {
    my $apiver = PVE::Storage::APIVER();
    my $apiage = PVE::Storage::APIAGE();
    # Tell PVE what it wants to hear when we know its version; otherwise stay inside APIAGE.
    return $apiver if $apiver >= 2 && $apiver <= $TESTED_APIVER;
    return $TESTED_APIVER if $apiver - $apiage <= $TESTED_APIVER;
    return $TESTED_APIVER;
}

sub type { return 'linstor'; }

sub plugindata {
    return {
        content => [ { images => 1, rootdir => 1 }, { images => 1 } ],
        format  => [ { raw => 1 }, 'raw' ],
    };
}

sub properties {
    return {
        controller => {
            description => "LINSTOR controller addresses, ',' separated, tried in order.",
            type        => 'string',
        },
        resourcegroup => {
            description => "LINSTOR resource group new disks are spawned from.",
            type        => 'string',
        },
        preferlocal => {
            description => "Place a diskful replica on the node that creates the disk (yes/no).",
            type        => 'string',
        },
        exactsize => {
            description => "Set DrbdOptions/ExactSize on new disks (yes/no).",
            type        => 'string',
        },
        allowtwoprimaries => {
            description => "Allow two primaries, needed for live migration (yes/no).",
            type        => 'string',
        },
        statuscache => {
            description => "Seconds the storage status is cached on a node; 0 disables the cache.",
            type        => 'integer',
            minimum     => 0,
            maximum     => 2 * 60 * 60,
        },
        apicrt => { description => "Path to the client certificate.", type => 'string' },
        apikey => { description => "Path to the client private key.",  type => 'string' },
        apica  => { description => "Path to the CA certificate.",      type => 'string' },
        clusterlocktimeout => {
            description => "Seconds PVE waits for the cluster-wide storage lock (taken around allocating and freeing disks) before giving up; PVE's own default applies when unset.",
            type        => 'integer',
            minimum     => 1,
            maximum     => 3600,
        },
        searchdomain => {
            description => "DNS domain appended to this PVE node's short name to get its LINSTOR node name (for LINSTOR nodes registered by FQDN).",
            type        => 'string',
        },
    };
}

sub options {
    return {
        controller        => { optional => 1 },
        resourcegroup     => { optional => 0 },
        preferlocal       => { optional => 1 },
        exactsize         => { optional => 1 },
        allowtwoprimaries => { optional => 1 },
        statuscache       => { optional => 1 },
        apicrt            => { optional => 1 },
        apikey            => { optional => 1 },
        apica             => { optional => 1 },
        clusterlocktimeout => { optional => 1 },
        searchdomain      => { optional => 1 },
        content           => { optional => 1 },
        shared            => { optional => 1 },
        disable           => { optional => 1 },
        nodes             => { optional => 1 },
    };
}

# PVE takes this lock (pmxcfs, cluster-wide for shared storage) around alloc_image and
# free_image; a caller that names no timeout gets the storage's `clusterlocktimeout`.
sub cluster_lock_storage {
    my ( $class, $storeid, $shared, $timeout, $func, @param ) = @_;
    if ( !defined($timeout) ) {
        my $scfg = eval { PVE::Storage::storage_config( PVE::Storage::config(), $storeid ) };
        $timeout = $scfg->{clusterlocktimeout} if $scfg && $scfg->{clusterlocktimeout};
    }
    return $class->SUPER::cluster_lock_storage( $storeid, $shared, $timeout, $func, @param );
}

# Runs the hook: request JSON on stdin, answer JSON on stdout, its stderr (logs) passes through.
sub _hook {
    my ( $hook, $storeid, $scfg, %args ) = @_;

    my $json = JSON::PP->new->canonical->allow_nonref->allow_blessed->convert_blessed;
    my $request = $json->encode( {
        hook    => $hook,
        storeid => $storeid,
        scfg    => $scfg,
        node    => PVE::INotify::nodename(),
        args    => \%args,
    } );

    my ( $answer, $rc ) = _via_socket($request);
    ( $answer, $rc ) = _via_process($request) if !defined($answer);

    my $reply = eval { decode_json( $answer // '' ) };
    die "$hook: linstor-pve-hook failed (exit code $rc) without an answer\n" if !ref($reply);
    die "$reply->{error}\n" if defined( $reply->{error} ) || $rc != 0;
    print "\nNOTICE\n  $_\n" for @{ $reply->{notices} // [] };
    return $reply->{result};
}

# Returns (answer, 0) from the hook daemon, or () when no daemon listens. Once a request was
# sent it is not retried another way: it may have been carried out already.
sub _via_socket {
    my ($request) = @_;
    my $path = $ENV{LINSTOR_PVE_SOCKET} // $DEFAULT_SOCKET;
    return () if $path eq '' || !-S $path;
    my $sock = IO::Socket::UNIX->new( Type => SOCK_STREAM(), Peer => $path ) or return ();
    print {$sock} $request;
    $sock->shutdown(1);
    my $answer = do { local $/; <$sock> };
    close($sock);
    die "linstor-pve-hook daemon at $path closed the connection without an answer\n"
      if !defined($answer) || $answer eq '';
    return ( $answer, 0 );
}

# Starts the hook executable for this one call.
sub _via_process {
    my ($request) = @_;
    my @cmd = split( /\s+/, $ENV{LINSTOR_PVE_HOOK} // $DEFAULT_HOOK );
    my ( $to_child, $from_child );
    my $pid = eval { open3( $to_child, $from_child, '>&STDERR', @cmd ) };
    die "linstor-pve-hook: cannot run '@cmd': $@\n" if !$pid;
    print {$to_child} $request;
    close($to_child);
    my $answer = do { local $/; <$from_child> };
    close($from_child);
    waitpid( $pid, 0 );
    return ( $answer, $? >> 8 );
}

sub parse_volname {
    my ( $class, $volname ) = @_;
    my $r = _hook( 'parse_volname', undef, undef, volname => $volname );
    return ( $r->{vtype}, $r->{name}, $r->{vmid}, $r->{basename}, $r->{basevmid}, $r->{isBase}, $r->{format} );
}

sub filesystem_path {
    my ( $class, $scfg, $volname, $snapname ) = @_;
    my $r = _hook( 'filesystem_path', undef, $scfg, volname => $volname, snapname => $snapname );
    return wantarray ? ( $r->{path}, $r->{vmid}, $r->{vtype} ) : $r->{path};
}

sub path {
    my ( $class, $scfg, $volname, $storeid, $snapname ) = @_;
    my $r = _hook( 'path', $storeid, $scfg, volname => $volname, snapname => $snapname );
    return wantarray ? ( $r->{path}, $r->{vmid}, $r->{vtype} ) : $r->{path};
}

sub map_volume {
    my ( $class, $storeid, $scfg, $volname, $snapname, $hints ) = @_;
    return _hook( 'map_volume', $storeid, $scfg, volname => $volname, snapname => $snapname );
}

sub unmap_volume {
    my ( $class, $storeid, $scfg, $volname, $snapname ) = @_;
    return _hook( 'unmap_volume', $storeid, $scfg, volname => $volname, snapname => $snapname );
}

sub alloc_image {
    my ( $class, $storeid, $scfg, $vmid, $fmt, $name, $size ) = @_;
    return _hook( 'alloc_image', $storeid, $scfg, vmid => $vmid, fmt => $fmt, name => $name, size => $size );
}

sub free_image {
    my ( $class, $storeid, $scfg, $volname, $isBase, $format ) = @_;
    return _hook( 'free_image', $storeid, $scfg, volname => $volname, isBase => $isBase, format => $format );
}

sub list_images {
    my ( $class, $storeid, $scfg, $vmid, $vollist, $cache ) = @_;
    return _hook( 'list_images', $storeid, $scfg, vmid => $vmid, vollist => $vollist );
}

sub status {
    my ( $class, $storeid, $scfg, $cache ) = @_;
    my $r = _hook( 'status', $storeid, $scfg );
    return undef if !defined($r);
    return ( $r->{total}, $r->{avail}, $r->{used}, $r->{active} );
}

sub activate_storage {
    my ( $class, $storeid, $scfg, $cache ) = @_;
    return _hook( 'activate_storage', $storeid, $scfg );
}

sub deactivate_storage {
    my ( $class, $storeid, $scfg, $cache ) = @_;
    return _hook( 'deactivate_storage', $storeid, $scfg );
}

sub check_connection {
    my ( $class, $storeid, $scfg ) = @_;
    return _hook( 'check_connection', $storeid, $scfg );
}

sub activate_volume {
    my ( $class, $storeid, $scfg, $volname, $snapname, $cache, $hints ) = @_;
    return _hook( 'activate_volume', $storeid, $scfg, volname => $volname, snapname => $snapname, hints => $hints );
}

sub deactivate_volume {
    my ( $class, $storeid, $scfg, $volname, $snapname, $cache ) = @_;
    return _hook( 'deactivate_volume', $storeid, $scfg, volname => $volname, snapname => $snapname );
}

sub volume_size_info {
    my ( $class, $scfg, $storeid, $volname, $timeout ) = @_;
    my $r = _hook( 'volume_size_info', $storeid, $scfg, volname => $volname );
    return wantarray ? ( $r->{size}, $r->{format}, $r->{used}, undef ) : $r->{size};
}

sub volume_resize {
    my ( $class, $scfg, $storeid, $volname, $size, $running, $snapname ) = @_;
    return _hook( 'volume_resize', $storeid, $scfg, volname => $volname, size => $size, running => $running, snapname => $snapname );
}

sub volume_snapshot {
    my ( $class, $scfg, $storeid, $volname, $snap ) = @_;
    return _hook( 'volume_snapshot', $storeid, $scfg, volname => $volname, snap => $snap );
}

sub volume_snapshot_rollback {
    my ( $class, $scfg, $storeid, $volname, $snap ) = @_;
    return _hook( 'volume_snapshot_rollback', $storeid, $scfg, volname => $volname, snap => $snap );
}

sub volume_rollback_is_possible {
    my ( $class, $scfg, $storeid, $volname, $snap, $blockers ) = @_;
    return _hook( 'volume_rollback_is_possible', $storeid, $scfg, volname => $volname, snap => $snap );
}

sub volume_snapshot_delete {
    my ( $class, $scfg, $storeid, $volname, $snap, $running ) = @_;
    return _hook( 'volume_snapshot_delete', $storeid, $scfg, volname => $volname, snap => $snap, running => $running );
}

sub volume_has_feature {
    my ( $class, $scfg, $feature, $storeid, $volname, $snapname, $running, $opts ) = @_;
    return _hook( 'volume_has_feature', $storeid, $scfg, feature => $feature, volname => $volname, snapname => $snapname, running => $running );
}

sub create_base {
    my ( $class, $storeid, $scfg, $volname ) = @_;
    return _hook( 'create_base', $storeid, $scfg, volname => $volname );
}

sub clone_image {
    my ( $class, $scfg, $storeid, $volname, $vmid, $snap ) = @_;
    return _hook( 'clone_image', $storeid, $scfg, volname => $volname, vmid => $vmid, snap => $snap );
}

sub rename_volume {
    my ( $class, $scfg, $storeid, $source_volname, $target_vmid, $target_volname ) = @_;
    return _hook( 'rename_volume', $storeid, $scfg,
        source_volname => $source_volname, target_vmid => $target_vmid, target_volname => $target_volname );
}

1;
