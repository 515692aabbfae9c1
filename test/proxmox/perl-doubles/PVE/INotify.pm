package PVE::INotify;
# TEST DOUBLE of Proxmox VE's PVE::INotify: only nodename(), which the real module derives
# from uname. Tests set LINSTOR_PVE_NODE to act as a given PVE node.
use strict;
use warnings;
use POSIX ();

sub nodename {
    return $ENV{LINSTOR_PVE_NODE} if $ENV{LINSTOR_PVE_NODE};
    my $n = (POSIX::uname())[1];
    $n =~ s/\..*$//;
    return $n;
}

1;
