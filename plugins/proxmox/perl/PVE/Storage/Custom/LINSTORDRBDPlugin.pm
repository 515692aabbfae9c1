package PVE::Storage::Custom::LINSTORDRBDPlugin;

# The storage type `drbd`, as LINBIT's linstor-proxmox registers it, served by the same hook
# as our `linstor` type: existing `drbd:` sections of /etc/pve/storage.cfg keep working
# unchanged after switching. PVE treats `drbd` as shared storage by itself (it is in
# PVE::Storage::Plugin's @SHARED_STORAGE list), so such sections need no `shared 1`.
#
# Everything but the type is inherited from LINSTORPlugin. PVE's SectionConfig refuses a
# property that two plugins define, so this type defines none of its own: its options name
# the properties the `linstor` type registers (both modules are always installed together).

use strict;
use warnings;

use PVE::Storage::Custom::LINSTORPlugin;

use base qw(PVE::Storage::Custom::LINSTORPlugin);

sub type { return 'drbd'; }

sub properties { return {}; }

sub options {
    my ($class) = @_;
    my $opts = { %{ PVE::Storage::Custom::LINSTORPlugin->options() } };
    # linstor-proxmox's drbd type has no `shared` key: PVE sets it for drbd.
    delete $opts->{shared};
    return $opts;
}

1;
