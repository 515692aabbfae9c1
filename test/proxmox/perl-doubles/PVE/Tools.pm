package PVE::Tools;
# TEST DOUBLE of Proxmox VE's PVE::Tools: the one helper storage plugins commonly import.
use strict;
use warnings;
use base qw(Exporter);
our @EXPORT_OK = qw(trim);

sub trim {
    my $s = shift;
    return $s if !defined($s);
    $s =~ s/^\s+//;
    $s =~ s/\s+$//;
    return $s;
}

1;
