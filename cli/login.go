package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/unet-dev/unet"
	"github.com/unet-dev/unet/httpapi"
)

// openServer opens the --server: with --token or UNET_TOKEN that token is
// sent; otherwise the session stored by `unet login` for this server, if
// any, refreshed as it expires.
func (a *app) openServer(ctx context.Context) (*httpapi.Client, error) {
	token := a.bearerToken()
	if token != "" {
		return openRemote(ctx, a.server, a.actor(), token, a.serverCA, nil)
	}
	path, err := a.credentialsPath()
	if err != nil {
		return openRemote(ctx, a.server, a.actor(), "", a.serverCA, nil)
	}
	cf, err := readCredentials(path)
	if err != nil {
		return nil, err
	}
	c, ok := cf.Servers[serverKey(a.server)]
	if !ok {
		return openRemote(ctx, a.server, a.actor(), "", a.serverCA, nil)
	}
	refresher, err := openRemote(ctx, a.server, a.actor(), "", a.serverCA, nil)
	if err != nil {
		return nil, err
	}
	src := &sessionTokens{path: path, server: serverKey(a.server), refresher: refresher, now: time.Now, cur: c}
	return openRemote(ctx, a.server, a.actor(), "", a.serverCA, src)
}

// stdinTerminal reports whether stdin is a terminal, and its descriptor.
func (a *app) stdinTerminal() (int, bool) {
	f, ok := a.env.Stdin.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// promptLine asks for one line: on a terminal after a prompt on stderr,
// otherwise read from stdin as is.
func (a *app) promptLine(prompt string, secret bool) (string, error) {
	fd, tty := a.stdinTerminal()
	if tty {
		_, _ = fmt.Fprint(a.env.Stderr, prompt)
		if secret {
			b, err := term.ReadPassword(fd)
			_, _ = fmt.Fprintln(a.env.Stderr)
			if err != nil {
				return "", fmt.Errorf("read the password: %w", err)
			}
			return string(b), nil
		}
	}
	line, err := bufio.NewReader(io.LimitReader(a.env.Stdin, maxPasswordInput+1)).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", usagef("%s nothing on stdin (give --password-stdin, or run on a terminal)", strings.TrimSuffix(prompt, ": "))
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (a *app) loginCommand() *cobra.Command {
	var username string
	var passwordStdin, sso bool
	var issuerCA string
	cmd := &cobra.Command{
		Use:   "login --server URL [--username U] [--password-stdin] | --sso [--issuer-ca FILE]",
		Short: "Log in to a μNet server and store the session for the remote CLI",
		Long: `Logs in to the --server with a user name and password and stores the session
(a short-lived access token and a refresh token, never the password) in
unet/credentials.json of the user's config directory (mode 0600; override with
UNET_CREDENTIALS). Every later command with the same --server uses it when no
--token or UNET_TOKEN is given, and refreshes it as it expires.

The password is asked without echo on a terminal; otherwise it is read from
stdin (--password-stdin reads all of stdin, for scripts).

--sso logs in through the server's OpenID Connect issuer instead (auth mode
oidc) with the device flow (RFC 8628): the command prints a URL and a code,
you confirm the code in a browser (on any device), and the command receives
the tokens. The server is asked for the issuer and client ID (GET
/api/v1/auth/config). These credentials are kept in one file per server
under unet/credentials/ of the config directory (mode 0600;
UNET_CREDENTIALS_DIR overrides), refreshed at the issuer as they expire, and
used before a password session of the same server.`,
		Example: "  unet login --server https://unet.example.net:8443 --username vic\n" +
			"  printf '%s\\n' \"$PW\" | unet login --server https://unet.example.net:8443 --username ci --password-stdin",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.server == "" {
				return usagef("unet login needs --server URL (or UNET_SERVER)")
			}
			if sso {
				return a.ssoLoginRun(cmd, issuerCA)
			}
			c, err := openRemote(cmd.Context(), a.server, a.actor(), "", a.serverCA, nil)
			if err != nil {
				return err
			}
			defer func() { _ = c.Close() }()
			pair, err := a.passwordLogin(cmd.Context(), c, username, passwordStdin)
			if err != nil {
				return err
			}
			path, err := a.credentialsPath()
			if err != nil {
				return err
			}
			cred := credentialOf(pair, time.Now())
			if err := a.storeCredential(cmd.Context(), path, serverKey(a.server), &cred); err != nil {
				return err
			}
			out := map[string]any{"server": serverKey(a.server), "user": pair.User, "expires_at": cred.ExpiresAt,
				"session_expires_at": cred.RefreshExpiresAt, "credentials": path}
			return a.printer().emit(out, func() any {
				return kv{{"server", serverKey(a.server)}, {"user", pair.User}, {"access token expires", cred.ExpiresAt.Format(time.RFC3339)},
					{"session expires", cred.RefreshExpiresAt.Format(time.RFC3339) + " (renewed with every refresh)"}, {"credentials", path}}
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&username, "username", "", "user name (asked on a terminal when not given)")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin")
	f.BoolVar(&sso, "sso", false, "log in through the server's OpenID Connect issuer (device flow, RFC 8628; auth mode oidc)")
	f.StringVar(&issuerCA, "issuer-ca", "", "with --sso: PEM certificate(s) to trust for the issuer besides the system's (env UNET_ISSUER_CA)")
	return cmd
}

// passwordLogin asks for what is missing and logs in.
func (a *app) passwordLogin(ctx context.Context, c *httpapi.Client, username string, passwordStdin bool) (*unet.TokenPair, error) {
	var err error
	if username == "" {
		if _, tty := a.stdinTerminal(); !tty || passwordStdin {
			return nil, usagef("give --username (stdin is not a terminal to ask on)")
		}
		if username, err = a.promptLine("Username: ", false); err != nil {
			return nil, err
		}
	}
	var password string
	if passwordStdin {
		password, err = a.readPassword()
	} else {
		password, err = a.promptLine("Password: ", true)
	}
	if err != nil {
		return nil, err
	}
	return c.Login(ctx, unet.LoginRequest{Username: username, Password: password})
}

// storeCredential adds or replaces the session of server in the
// credentials file, under its lock.
func (a *app) storeCredential(ctx context.Context, path, server string, c *credential) error {
	unlock, err := lockCredentials(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	cf, err := readCredentials(path)
	if err != nil {
		return err
	}
	if c == nil {
		delete(cf.Servers, server)
	} else {
		cf.Servers[server] = *c
	}
	return writeCredentials(path, cf)
}

func (a *app) logoutCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "logout [--server URL | --all]",
		Short: "End the stored session with a server: revoke it there and forget it here",
		Long: `Revokes the session stored by unet login on the server (its refresh tokens stop
working; an access token already issued expires within its short lifetime) and
removes it from the credentials file; the credentials of unet login --sso for
the server are forgotten too. Without --server, the only stored session is
ended; --all ends every one. A server that cannot be reached is
reported, and the session is forgotten locally all the same.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := a.credentialsPath()
			if err != nil {
				return err
			}
			cf, err := readCredentials(path)
			if err != nil {
				return err
			}
			// Single-sign-on credentials (unet login --sso) live apart;
			// they are forgotten here (the issuer's tokens expire on
			// their own).
			sso, err := a.forgetSSO(a.server, all)
			if err != nil {
				return err
			}
			var servers []string
			switch {
			case all:
				for s := range cf.Servers {
					servers = append(servers, s)
				}
				sort.Strings(servers)
			case a.server != "":
				if _, ok := cf.Servers[serverKey(a.server)]; ok {
					servers = []string{serverKey(a.server)}
				} else if len(sso) == 0 {
					return unet.Errorf(unet.ENOTFOUND, "not logged in to %s", serverKey(a.server))
				}
			case len(cf.Servers) == 1:
				for s := range cf.Servers {
					servers = []string{s}
				}
			case len(cf.Servers) == 0:
				return unet.Errorf(unet.ENOTFOUND, "not logged in to any server")
			default:
				return usagef("logged in to %d servers: name one with --server, or give --all", len(cf.Servers))
			}
			var out []map[string]string
			for _, s := range servers {
				state := "revoked"
				if err := a.revokeSession(cmd.Context(), s, cf.Servers[s]); err != nil {
					state = "forgotten locally; the server said: " + err.Error()
					_, _ = fmt.Fprintf(a.env.Stderr, "unet logout: %s: %v (the session is removed locally)\n", s, err)
				}
				if err := a.storeCredential(cmd.Context(), path, s, nil); err != nil {
					return err
				}
				out = append(out, map[string]string{"server": s, "session": state})
			}
			for _, s := range sso {
				out = append(out, map[string]string{"server": s, "session": "single-sign-on credentials forgotten (the issuer's tokens expire on their own)"})
			}
			return a.printer().emit(out, func() any {
				t := table{header: []string{"SERVER", "SESSION"}}
				for _, o := range out {
					t.rows = append(t.rows, []string{o["server"], o["session"]})
				}
				return t
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "end every stored session")
	return cmd
}

// revokeSession revokes a stored session on its server.
func (a *app) revokeSession(ctx context.Context, server string, c credential) error {
	cl, err := openRemote(ctx, server, a.actor(), "", a.serverCA, nil)
	if err != nil {
		return err
	}
	defer func() { _ = cl.Close() }()
	err = cl.Logout(ctx, unet.RefreshRequest{RefreshToken: c.RefreshToken})
	if unet.ErrorCode(err) == unet.EUNAUTHORIZED {
		return nil // already ended on the server
	}
	return err
}
