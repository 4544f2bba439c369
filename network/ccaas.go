package network

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// The external builder follows Fabric's external builder contract (bin/detect, bin/build,
// bin/release) for chaincode-as-a-service packages. It is written in Go so peers need no jq.

type ccaasMetadata struct {
	Type  string `json:"type"`
	Label string `json:"label"`
}

// connection.json's address is a template filled per peer from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG,
// so one package (one package ID) points each org's peer at its own chaincode server.
// The TLS fields are filled from the files named in the same config (see builderConfig).
const connectionTemplate = `{"address":"{{.ccaddr}}","dial_timeout":"10s","tls_required":true,"client_auth_required":true,` +
	`"root_cert":"{{.root_cert_file}}","client_cert":"{{.client_cert_file}}","client_key":"{{.client_key_file}}"}`

// chaincodePackage builds the ccaas install package deterministically, so the package ID (label +
// sha256 of the file) is stable across runs.
func chaincodePackage(label string) ([]byte, error) {
	code, err := tarGz(map[string][]byte{"connection.json": []byte(connectionTemplate)})
	if err != nil {
		return nil, err
	}
	meta, _ := json.Marshal(ccaasMetadata{Type: "ccaas", Label: label})
	return tarGz(map[string][]byte{"metadata.json": meta, "code.tar.gz": code})
}

// PackageID is what `peer lifecycle chaincode calculatepackageid` prints for pkg.
func PackageID(label string, pkg []byte) string {
	sum := sha256.Sum256(pkg)
	return label + ":" + hex.EncodeToString(sum[:])
}

func tarGz(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	// metadata.json first, as Fabric's own packager writes it
	names := []string{"metadata.json", "code.tar.gz", "connection.json"}
	for _, n := range names {
		data, ok := files[n]
		if !ok {
			continue
		}
		hdr := &tar.Header{Name: n, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// BuilderDetect accepts only ccaas packages.
func BuilderDetect(metadataDir string) error {
	var m ccaasMetadata
	b, err := os.ReadFile(filepath.Join(metadataDir, "metadata.json"))
	if err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("detect: metadata.json: %w", err)
	}
	if !strings.EqualFold(m.Type, "ccaas") {
		return fmt.Errorf("detect: type %q is not ccaas", m.Type)
	}
	return nil
}

var placeholder = regexp.MustCompile(`{{\s*\.([A-Za-z0-9_]+)\s*}}`)

// BuilderBuild copies the metadata and writes connection.json with its placeholders filled from
// the JSON object in builderConfig (CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG).
func BuilderBuild(sourceDir, metadataDir, outputDir, builderConfig string) error {
	if err := BuilderDetect(metadataDir); err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(sourceDir, "connection.json"))
	if err != nil {
		return fmt.Errorf("build: connection.json: %w", err)
	}
	cfg := map[string]any{}
	if builderConfig != "" {
		if err := json.Unmarshal([]byte(builderConfig), &cfg); err != nil {
			return fmt.Errorf("build: CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG is not a JSON object: %w", err)
		}
	}
	var conn map[string]any
	if err := json.Unmarshal(raw, &conn); err != nil {
		return fmt.Errorf("build: connection.json: %w", err)
	}
	fields := make([]string, 0, len(conn))
	for k := range conn {
		fields = append(fields, k)
	}
	sort.Strings(fields) // the first missing key is reported the same way every time
	for _, k := range fields {
		s, ok := conn[k].(string)
		if !ok {
			continue
		}
		var missing string
		conn[k] = placeholder.ReplaceAllStringFunc(s, func(m string) string {
			key := placeholder.FindStringSubmatch(m)[1]
			val, ok := cfg[key]
			if !ok {
				missing = key
				return m
			}
			return fmt.Sprint(val)
		})
		if missing != "" {
			return fmt.Errorf("build: connection.json field %q needs %q in CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG", k, missing)
		}
	}
	// fields filled with a file name take that file's content (PEM), as connection.json wants
	for _, k := range []string{"root_cert", "client_cert", "client_key"} {
		path, ok := conn[k].(string)
		if !ok || path == "" {
			continue
		}
		pem, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("build: connection.json %s: %w", k, err)
		}
		conn[k] = string(pem)
	}
	out, _ := json.Marshal(conn)
	if err := os.MkdirAll(outputDir, 0o755); err != nil {
		return err
	}
	meta, err := os.ReadFile(filepath.Join(metadataDir, "metadata.json"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outputDir, "metadata.json"), meta, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(outputDir, "connection.json"), out, 0o644)
}

// BuilderRelease puts connection.json where the peer looks for a chaincode server.
func BuilderRelease(buildDir, releaseDir string) error {
	b, err := os.ReadFile(filepath.Join(buildDir, "connection.json"))
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	dir := filepath.Join(releaseDir, "chaincode", "server")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "connection.json"), b, 0o644)
}

// writeBuilder installs the builder's bin/ scripts, each delegating to BuilderCmd.
func (c Config) writeBuilder() error {
	dir := c.path("builder", "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var quoted []string
	for _, a := range c.BuilderCmd {
		quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	for _, step := range []string{"detect", "build", "release"} {
		script := fmt.Sprintf("#!/bin/sh\nexec %s %s \"$@\"\n", strings.Join(quoted, " "), step)
		if err := os.WriteFile(filepath.Join(dir, step), []byte(script), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// The peer and its chaincode server talk over mutual TLS: the server presents a certificate of the
// org's TLS CA (cryptogen's "ccaas0" node) and accepts only clients of that CA, and the peer dials
// with its own TLS certificate. The builder fills the PEMs into connection.json from these files.
func (c Config) ccaasTLSDir(p Peer) string {
	return filepath.Join(c.orgDir(p.Org), "peers", "ccaas0."+p.Org.Domain, "tls")
}

// builderConfig is CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG for a peer: where its chaincode server
// listens and which files hold the TLS material of the connection.
func (c Config) builderConfig(p Peer) string {
	b, _ := json.Marshal(map[string]string{
		"ccaddr":           hostPort(p.IP, p.CCAASPort),
		"root_cert_file":   filepath.Join(c.ccaasTLSDir(p), "ca.crt"),
		"client_cert_file": filepath.Join(c.peerTLSDir(p), "server.crt"),
		"client_key_file":  filepath.Join(c.peerTLSDir(p), "server.key"),
	})
	return string(b)
}

// chaincodeTLSEnv tells the chaincode server its certificate and which clients to accept.
func (c Config) chaincodeTLSEnv(p Peer) []string {
	dir := c.ccaasTLSDir(p)
	return []string{
		"CHAINCODE_TLS_CERT_FILE=" + filepath.Join(dir, "server.crt"),
		"CHAINCODE_TLS_KEY_FILE=" + filepath.Join(dir, "server.key"),
		"CHAINCODE_TLS_CLIENT_CA_FILE=" + c.TLSCAFile(p.Org),
	}
}
