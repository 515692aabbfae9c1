#!/usr/bin/perl
# TEST DOUBLE of PVE's side of a storage-plugin call: loads the custom plugin the way
# pve-storage does (acceptance rule in the PVE::Storage double), calls one class method with
# JSON-encoded arguments in list context, and prints the result after a marker line so the
# plugin's own NOTICE output stays readable above it. PVE_CALL_CLASS picks the plugin class
# (the module of storage type `drbd` or the default one of type `linstor`).
use strict;
use warnings;
use JSON::PP;

use PVE::Storage;

my $class = 'PVE::Storage::Custom::' . ( $ENV{PVE_CALL_CLASS} // 'LINSTORPlugin' );
eval "require $class; 1" or die $@;
die "plugin $class not acceptable to PVE (api " . $class->api() . ")\n"
  if !PVE::Storage::plugin_acceptable($class);

my ( $method, $json ) = @ARGV;
my $args = JSON::PP->new->allow_nonref->decode( $json // '[]' );
my $out  = JSON::PP->new->canonical->allow_nonref;

my @r = eval { $class->$method(@$args) };
if ($@) {
    print "\n\@\@PVE-CALL\@\@" . $out->encode( { error => "$@" } ) . "\n";
    exit 1;
}
print "\n\@\@PVE-CALL\@\@" . $out->encode( { result => \@r } ) . "\n";
