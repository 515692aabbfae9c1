# An existing LINSTOR resource (made with `linstor resource-group spawn-resources ...`)
# handed to Nomad without creating anything: nomad volume register volume-register.hcl
# external_id is the LINSTOR resource definition name.
id          = "legacy-data"
name        = "legacy-data"
type        = "csi"
plugin_id   = "linstor.csi.linbit.com"
external_id = "legacy-data"

capability {
  access_mode     = "single-node-writer"
  attachment_mode = "file-system"
}

mount_options {
  fs_type = "xfs"
}

# Handed to the node plugin at stage time (volume_context).
context = {
  "linstor.csi.linbit.com/layerList" = "drbd storage"
}
