#!/bin/sh
# Run once by the postgres image when it initialises an empty data directory
# (docker-compose.yml mounts this directory on /docker-entrypoint-initdb.d): lets the
# portal's user make and feed a streaming replica (the `replica` profile) from any address
# of the compose network, with a password. The image's own rules cover ordinary connections
# only, not replication. A primary initialised before this file existed needs the same line
# once by hand (docs/deployment.md).
echo "host replication siskop2mi all scram-sha-256" >> "$PGDATA/pg_hba.conf"
