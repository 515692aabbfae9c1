package PVE::Storage::Plugin;
# TEST DOUBLE of Proxmox VE's PVE::Storage::Plugin base class. The real one (pve-storage)
# needs the PVE cluster file system; this has only what a custom plugin inherits and the
# tests call: a constructor-less class with the base methods dying as "not implemented".
use strict;
use warnings;

sub type { die "type() not implemented in test double\n" }

sub plugindata { return {} }

sub volume_has_feature { return undef }

sub volume_snapshot_info { return {} }

1;
