package chaincode

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Serve runs the contract as a chaincode server (chaincode-as-a-service) until ctx ends.
// CHAINCODE_ID must be the exact package ID installed on the peers; CHAINCODE_SERVER_ADDRESS is
// where the peer dials.
func Serve(ctx context.Context, log *slog.Logger) error {
	ccid, addr := os.Getenv("CHAINCODE_ID"), os.Getenv("CHAINCODE_SERVER_ADDRESS")
	if ccid == "" || addr == "" {
		return fmt.Errorf("CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS must be set (the network sets them when it starts this server)")
	}
	cc, err := contractapi.NewChaincode(New(), NewBaseline())
	if err != nil {
		return fmt.Errorf("create chaincode: %w", err)
	}
	tlsProps, err := serverTLS()
	if err != nil {
		return err
	}
	server := &shim.ChaincodeServer{CCID: ccid, Address: addr, CC: cc, TLSProps: tlsProps}
	log.Info("chaincode server listening", "address", addr, "package", ccid, "org", os.Getenv("AGRITRACE_ORG"), "tls", !tlsProps.Disabled)
	// AGRITRACE_CHAINCODE_PROFILE=<dir> records a CPU profile of the server's whole life (benchmarks)
	if dir := os.Getenv("AGRITRACE_CHAINCODE_PROFILE"); dir != "" {
		f, err := os.Create(filepath.Join(dir, "chaincode-"+os.Getenv("AGRITRACE_ORG")+".pprof"))
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- server.Start() }()
	select {
	case err := <-errc:
		return fmt.Errorf("chaincode server on %s: %w", addr, err)
	case <-ctx.Done():
		log.Info("chaincode server stopping", "address", addr)
		return nil
	}
}

// serverTLS reads the server's certificate and the CA its peer's client certificate must chain to
// (CHAINCODE_TLS_CERT_FILE, CHAINCODE_TLS_KEY_FILE, CHAINCODE_TLS_CLIENT_CA_FILE). Without them the
// server runs in plain text, which only the in-process tests use.
func serverTLS() (shim.TLSProperties, error) {
	certFile, keyFile, caFile := os.Getenv("CHAINCODE_TLS_CERT_FILE"), os.Getenv("CHAINCODE_TLS_KEY_FILE"), os.Getenv("CHAINCODE_TLS_CLIENT_CA_FILE")
	if certFile == "" && keyFile == "" {
		return shim.TLSProperties{Disabled: true}, nil
	}
	var props shim.TLSProperties
	for _, f := range []struct {
		path string
		dst  *[]byte
	}{{certFile, &props.Cert}, {keyFile, &props.Key}, {caFile, &props.ClientCACerts}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return props, fmt.Errorf("chaincode server TLS: %w", err)
		}
		*f.dst = b
	}
	return props, nil
}
