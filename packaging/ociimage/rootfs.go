package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The unprivileged user the image runs as, and the paths it knows.
const (
	// UID and GID are the unet user's and group's numeric ids (65532, the
	// "nonroot" id of distroless images, unused by distributions).
	UID = 65532
	GID = 65532
	// UserName is the name of the user and of its group.
	UserName = "unet"
	// BinaryPath is where the unet binary is.
	BinaryPath = "/usr/bin/unet"
	// ConfigPath is the default configuration file (UNET_CONFIG).
	ConfigPath = "/etc/unet/unet.toml"
	// DataDir is the data directory, a volume owned by the unet user.
	DataDir = "/var/lib/unet"
	// CACertsPath is where the CA certificates go, the file Go's
	// crypto/x509 reads first on Linux.
	CACertsPath = "/etc/ssl/certs/ca-certificates.crt"
	// Port is the TCP port the default configuration listens on.
	Port = 8080
)

// TokenPepperPath is the file the default configuration reads the API token
// pepper from: where `podman run --secret unet-token-pepper` (and Docker's
// secrets) put a secret of that name.
const TokenPepperPath = "/run/secrets/unet-token-pepper"

// DefaultConfig is /etc/unet/unet.toml: listen on every address of the
// container, keep the SQLite database and the Git data in the volume,
// require credentials (API tokens, password logins) and serve plain HTTP for
// a TLS-terminating proxy or ingress in front. Environment variables
// (UNET_LISTEN, UNET_DATABASE_URL, UNET_AUTH_MODE, UNET_INSECURE_HTTP,
// UNET_TLS_CERT, ...) override it, and so does a file mounted in its place.
var DefaultConfig = `# μNet in a container. Environment variables (UNET_*) override these
# settings; a file mounted at ` + ConfigPath + ` replaces them.
data_dir = "` + DataDir + `/unet-data"

[server]
listen = "0.0.0.0:` + strconv.Itoa(Port) + `"
# API tokens and password logins; the pepper of the API token digests is a
# secret given to the container (podman run --secret unet-token-pepper).
auth = "local"
token_pepper = "file:` + TokenPepperPath + `"
# TLS is terminated in front (an ingress or a proxy); for TLS in the
# container, set UNET_TLS_CERT and UNET_TLS_KEY and UNET_INSECURE_HTTP=false.
insecure_http = true

[database]
url = "sqlite://` + DataDir + `/unet.db"

[log]
format = "json"
`

// file is one entry of the layer: a directory or a regular file.
type file struct {
	name     string // relative, no leading slash, no trailing slash
	mode     fs.FileMode
	uid, gid int
	data     []byte // nil for a directory
	dir      bool
}

// rootFS lists the entries of the image's only layer for the given binary
// and CA certificates (nil: none), sorted by name, with every parent
// directory listed before its children.
func rootFS(binary, caCerts []byte) []file {
	passwd := "root:x:0:0:root:/root:/sbin/nologin\n" +
		fmt.Sprintf("%s:x:%d:%d:%s:%s:/sbin/nologin\n", UserName, UID, GID, UserName, DataDir)
	group := "root:x:0:\n" + fmt.Sprintf("%s:x:%d:\n", UserName, GID)
	files := []file{
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		// Go's resolver reads it: host files first, then DNS.
		{name: "etc/nsswitch.conf", mode: 0o644, data: []byte("hosts: files dns\n")},
		{name: strings.TrimPrefix(ConfigPath, "/"), mode: 0o644, data: []byte(DefaultConfig)},
		{name: strings.TrimPrefix(BinaryPath, "/"), mode: 0o755, data: binary},
		{name: strings.TrimPrefix(DataDir, "/"), mode: 0o750, uid: UID, gid: GID, dir: true},
		// Temporary files of a container run without a tmpfs.
		{name: "tmp", mode: fs.ModeSticky | 0o777, dir: true},
	}
	if caCerts != nil {
		files = append(files, file{name: strings.TrimPrefix(CACertsPath, "/"), mode: 0o644, data: caCerts})
	}
	// The parent directories, root-owned and world-readable.
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.name] = true
	}
	for _, f := range slices.Clone(files) {
		for d := path.Dir(f.name); d != "."; d = path.Dir(d) {
			if !seen[d] {
				seen[d] = true
				files = append(files, file{name: d, mode: 0o755, dir: true})
			}
		}
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.name, b.name) })
	return files
}

// layerTar writes the entries as an uncompressed tar stream in which every
// time is mtime and no user or group name is recorded, so the stream depends
// on nothing but the entries.
func layerTar(files []file, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{
			Name:    f.name,
			Mode:    int64(f.mode.Perm()),
			Uid:     f.uid,
			Gid:     f.gid,
			ModTime: mtime.UTC().Truncate(time.Second),
			Format:  tar.FormatUSTAR,
		}
		if f.mode&fs.ModeSticky != 0 {
			h.Mode |= 0o1000
		}
		if f.dir {
			h.Typeflag = tar.TypeDir
			h.Name += "/"
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("layer entry %s: %w", f.name, err)
		}
		if !f.dir {
			if _, err := tw.Write(f.data); err != nil {
				return nil, fmt.Errorf("layer entry %s: %w", f.name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
