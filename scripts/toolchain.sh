# Sourced by the project's scripts: build and test with a Go release that has
# no known reachable vulnerabilities (docs/vulncheck.md). Machines that start
# with an older Go fetch this one through the module proxy on first use.
export GOTOOLCHAIN=${UNET_GOTOOLCHAIN:-go1.27.3}
