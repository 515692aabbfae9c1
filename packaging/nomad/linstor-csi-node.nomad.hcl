# linstor-csi node plugin on every Nomad client (system job, example). It attaches, formats
# and mounts volumes, so it runs privileged on the host (raw_exec as root).
job "linstor-csi-node" {
  datacenters = ["dc1"]
  type        = "system"

  group "node" {
    task "csi-plugin" {
      driver = "raw_exec"

      config {
        command = "/usr/local/bin/linstor-csi"
        args = [
          "--csi-endpoint=unix://${NOMAD_TASK_DIR}/csi.sock",
          "--node=${node.unique.name}",
          "--mode=node",
        ]
      }

      env {
        LS_CONTROLLERS = "linstor://ctrl-a:3370,linstor://ctrl-b:3370,linstor://ctrl-c:3370"
      }

      csi_plugin {
        id        = "linstor.csi.linbit.com"
        type      = "node"
        mount_dir = "/local"
      }

      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
