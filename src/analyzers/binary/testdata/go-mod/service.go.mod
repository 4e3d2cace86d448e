// A service module as `go mod tidy` (Go 1.21) leaves it: direct and indirect blocks.
module github.com/acme/orders-service

go 1.21

toolchain go1.21.5

godebug default=go1.21

require (
	github.com/go-chi/chi/v5 v5.0.10
	github.com/jackc/pgx/v5 v5.5.1
	github.com/prometheus/client_golang v1.17.0
	golang.org/x/sync v0.5.0
	google.golang.org/grpc v1.59.0
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.2.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20221227161230-091c0ba34f0a // indirect
	golang.org/x/crypto v0.14.0 // indirect
	golang.org/x/net v0.17.0 // indirect; pulled in by grpc
	google.golang.org/protobuf v1.31.0 // indirect
)

replace (
	// Security fix not yet released upstream.
	golang.org/x/net v0.17.0 => golang.org/x/net v0.19.0
	github.com/jackc/pgx/v5 => ../forks/pgx
)

replace google.golang.org/grpc => github.com/acme/grpc-go v1.59.0-acme.1

exclude golang.org/x/crypto v0.13.0

retract (
	v1.0.1 // published by mistake
	[v0.9.0, v0.9.5]
)
