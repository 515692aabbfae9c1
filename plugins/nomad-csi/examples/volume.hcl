# A replicated volume: nomad volume create volume.hcl
# (Nomad creates it through the controller plugin and registers it.)
id        = "pgdata"
name      = "pgdata"
type      = "csi"
plugin_id = "linstor.csi.linbit.com"

capacity_min = "2GiB"
capacity_max = "4GiB"

capability {
  access_mode     = "single-node-writer"
  attachment_mode = "file-system"
}

mount_options {
  fs_type     = "ext4"
  mount_flags = ["noatime"]
}

# Keys with "/" and "." must be quoted, and quoted keys need the map form `= { }`
# (HCL 2 refuses them in a block; Nomad's volume parser takes both).
parameters = {
  "linstor.csi.linbit.com/autoPlace"   = "2"
  "linstor.csi.linbit.com/storagePool" = "pool1"
  "linstor.csi.linbit.com/layerList"   = "drbd storage"
  "DrbdOptions/Net/protocol"           = "C"
  "property.linstor.csi.linbit.com/DrbdOptions/auto-quorum" = "suspend-io"
}
