package PVE::Storage;
# TEST DOUBLE of Proxmox VE's PVE::Storage: the API version constants a custom plugin's
# api() reads, the plugin-acceptance rule PVE applies when it loads Custom/*.pm, the
# registration rules PVE's SectionConfig enforces on all plugins, and config() /
# storage_config() reading a parsed storage.cfg from PVE_TEST_STORAGE_CFG (JSON).
use strict;
use warnings;
use JSON::PP ();

use constant APIVER => $ENV{PVE_TEST_APIVER} // 15;
use constant APIAGE => $ENV{PVE_TEST_APIAGE} // 6;

# As pve-storage Storage.pm: isa Plugin, has api(), APIVER - APIAGE <= api() <= APIVER.
sub plugin_acceptable {
    my ($class) = @_;
    return 0 if !$class->isa('PVE::Storage::Plugin');
    return 0 if !$class->can('api');
    my $v = $class->api();
    return ( $v >= APIVER - APIAGE && $v <= APIVER ) ? 1 : 0;
}

# Types pve-storage registers itself (src/PVE/Storage/*Plugin.pm; there is no drbd plugin
# since PVE 6) and the properties its Plugin.pm defines for every type.
my @BUILTIN_TYPES = qw(dir btrfs nfs cifs glusterfs cephfs lvm lvmthin iscsi iscsidirect rbd zfs zfspool pbs esxi);
my @COMMON_PROPERTIES = qw(type storage nodes content disable maxfiles prune-backups max-protected-backups shared subdir format preallocation content-dirs options port);

# What Storage.pm and SectionConfig::init do with the modules in a Custom/ folder: load each,
# skip those PVE would not accept, and die as PVE does on a type registered twice, a property
# two plugins define, or an option naming no property. Returns { type => class }.
sub load_custom_plugins {
    my ($dir) = @_;
    my %types = map { $_ => "builtin" } @BUILTIN_TYPES;
    my %custom;
    opendir( my $dh, $dir ) or die "cannot read $dir: $!\n";
    for my $file ( sort grep { /^\w+\.pm$/ } readdir($dh) ) {
        ( my $mod = "PVE::Storage::Custom::$file" ) =~ s/\.pm$//;
        eval "require $mod; 1" or die $@;
        next if !plugin_acceptable($mod);
        my $type = $mod->type();
        die "duplicate plugin registration (type = $type)\n" if $types{$type};
        $types{$type} = $custom{$type} = $mod;
    }
    my %props = map { $_ => 'common' } @COMMON_PROPERTIES;
    for my $type ( sort keys %custom ) {
        for my $p ( keys %{ $custom{$type}->properties() } ) {
            die "duplicate property '$p'\n" if $props{$p};
            $props{$p} = $type;
        }
    }
    for my $type ( sort keys %custom ) {
        for my $p ( keys %{ $custom{$type}->options() } ) {
            die "undefined property '$p' (type $type)\n" if !$props{$p};
        }
    }
    return \%custom;
}

sub config {
    return JSON::PP::decode_json( $ENV{PVE_TEST_STORAGE_CFG} // '{"ids":{}}' );
}

sub storage_config {
    my ( $cfg, $storeid, $noerr ) = @_;
    my $scfg = $cfg->{ids}->{$storeid};
    die "storage '$storeid' does not exist\n" if !$scfg && !$noerr;
    return $scfg;
}

1;
