// Package ociimage builds μNet's container image without a container
// daemon: an empty base (scratch) and one layer holding the static binary at
// /usr/bin/unet, a default configuration at /etc/unet/unet.toml, the
// /etc/passwd and /etc/group entries of the unprivileged unet user
// (uid/gid 65532), its data directory /var/lib/unet and, when given, the CA
// certificates.
//
// The image is reproducible: every timestamp is the creation time given (the
// commit time of the source), the layer's entries are sorted and carry no
// host-dependent metadata, so two builds of the same binary give the same
// digest. Images are written as an OCI image layout (one image or an index
// of several platforms) or as a tarball that `docker load` and `podman load`
// read.
package ociimage
