# A job using the volume from volume.hcl: nomad job run postgres.nomad.hcl
job "postgres" {
  datacenters = ["dc1"]

  group "db" {
    volume "data" {
      type            = "csi"
      source          = "pgdata"
      access_mode     = "single-node-writer"
      attachment_mode = "file-system"
    }

    task "postgres" {
      driver = "docker"

      config {
        image = "postgres:16"
      }

      env {
        PGDATA = "/var/lib/postgresql/data/pgdata"
      }

      volume_mount {
        volume      = "data"
        destination = "/var/lib/postgresql/data"
      }

      resources {
        cpu    = 500
        memory = 512
      }
    }
  }
}
