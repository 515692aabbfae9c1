package PVE::Storage::Plugin;
# TEST DOUBLE of Proxmox VE's PVE::Storage::Plugin base class. The real one (pve-storage)
# needs the PVE cluster file system; this has only what a custom plugin inherits and the
# tests call: a constructor-less class with the base methods dying as "not implemented",
# and cluster_lock_storage recording the timeout it was asked for (the real one takes a
# pmxcfs lock for shared storage and a local file lock otherwise, with that timeout).
use strict;
use warnings;

our @LOCKS;

sub type { die "type() not implemented in test double\n" }

sub plugindata { return {} }

sub volume_has_feature { return undef }

sub volume_snapshot_info { return {} }

sub cluster_lock_storage {
    my ( $class, $storeid, $shared, $timeout, $func, @param ) = @_;
    push @LOCKS, { storeid => $storeid, shared => $shared, timeout => $timeout };
    return $func->(@param);
}

1;
