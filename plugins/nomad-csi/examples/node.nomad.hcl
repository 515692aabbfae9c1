# linstor-csi node plugin on every Nomad client (stage, publish, grow filesystems).
# nomad job run node.nomad.hcl
# Each client must also be a LINSTOR satellite whose node name is the Nomad node name
# (--node), and the Docker plugin must allow privileged containers and bind mounts:
#   plugin "docker" { config { allow_privileged = true  volumes { enabled = true } } }
job "linstor-csi-node" {
  datacenters = ["dc1"]
  type        = "system"

  group "node" {
    task "csi-plugin" {
      driver = "docker"

      config {
        image        = "linstor-ts-csi:latest"
        privileged   = true   # mkfs and mount on the host's devices
        network_mode = "host"
        args = [
          "--csi-endpoint=unix:///csi/csi.sock",
          "--node=${node.unique.name}",
          "--mode=node",
          "--state-dir=/var/lib/linstor-csi",
          "--log-level=info",
        ]

        # What the plugin staged and published survives a restart of the task.
        mount {
          type   = "bind"
          source = "/var/lib/linstor-csi"
          target = "/var/lib/linstor-csi"
        }
      }

      env {
        LS_CONTROLLERS = "http://linstor-a.example.com:3370,http://linstor-b.example.com:3370"
      }

      csi_plugin {
        id        = "linstor.csi.linbit.com"
        type      = "node"
        mount_dir = "/csi"
      }

      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
