package PVE::Storage;
# TEST DOUBLE of Proxmox VE's PVE::Storage: the API version constants a custom plugin's
# api() reads, and the plugin-acceptance rule PVE applies when it loads Custom/*.pm.
use strict;
use warnings;

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

1;
