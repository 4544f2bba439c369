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
	server := &shim.ChaincodeServer{CCID: ccid, Address: addr, CC: cc,
		// loopback only; a multi-host deployment enables TLS here and in connection.json
		TLSProps: shim.TLSProperties{Disabled: true}}
	log.Info("chaincode server listening", "address", addr, "package", ccid, "org", os.Getenv("AGRITRACE_ORG"))
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
