# linstor-csi controller plugin (create, delete, attach, snapshot, grow, modify volumes).
# nomad job run controller.nomad.hcl
# It only talks to LINSTOR over REST: it needs no privileges and no devices.
job "linstor-csi-controller" {
  datacenters = ["dc1"]
  type        = "service"

  group "controller" {
    count = 1

    task "csi-plugin" {
      driver = "docker"

      config {
        image = "linstor-ts-csi:latest" # docker build -f plugins/nomad-csi/Dockerfile
        args = [
          "--csi-endpoint=unix:///csi/csi.sock",
          "--node=${node.unique.name}",
          "--mode=controller",
          "--log-level=info",
        ]
      }

      env {
        # Every LINSTOR controller: the plugin fails over to the active one.
        LS_CONTROLLERS = "http://linstor-a.example.com:3370,http://linstor-b.example.com:3370"
      }

      csi_plugin {
        id        = "linstor.csi.linbit.com"
        type      = "controller"
        mount_dir = "/csi"
      }

      resources {
        cpu    = 100
        memory = 128
      }
    }
  }
}
