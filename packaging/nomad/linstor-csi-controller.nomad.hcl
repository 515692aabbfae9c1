# linstor-csi controller plugin as a Nomad service job (example).
# LS_CONTROLLERS lists every LINSTOR controller: the plugin fails over to the active one.
job "linstor-csi-controller" {
  datacenters = ["dc1"]
  type        = "service"

  group "controller" {
    count = 1

    task "csi-plugin" {
      driver = "raw_exec"

      config {
        command = "/usr/local/bin/linstor-csi"
        args = [
          "--csi-endpoint=unix://${NOMAD_TASK_DIR}/csi.sock",
          "--node=${node.unique.name}",
          "--mode=controller",
        ]
      }

      env {
        LS_CONTROLLERS = "linstor://ctrl-a:3370,linstor://ctrl-b:3370,linstor://ctrl-c:3370"
      }

      csi_plugin {
        id        = "linstor.csi.linbit.com"
        type      = "controller"
        mount_dir = "/local"
      }

      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
