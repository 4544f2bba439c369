package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/agritrace/agritrace/chaincode"
	"github.com/agritrace/agritrace/network"
)

func init() {
	register("chaincode", "serve the agritrace contract as a chaincode server (started by the network)", runChaincode)
	register("ccaas-builder", "Fabric external builder for chaincode-as-a-service (called by peers)", runBuilder)
}

func runChaincode(ctx context.Context, args []string) error {
	if len(args) != 1 || args[0] != "serve" {
		return fmt.Errorf("usage: agritrace chaincode serve  (CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS in the environment)")
	}
	network.ApplyGC()
	return chaincode.Serve(ctx, slog.Default())
}

// runBuilder implements bin/detect, bin/build and bin/release of Fabric's external builder contract.
func runBuilder(_ context.Context, args []string) error {
	if len(args) < 1 {
		return fmt.Errorf("usage: agritrace ccaas-builder detect|build|release DIRS…")
	}
	need := func(n int) error {
		if len(args)-1 < n {
			return fmt.Errorf("ccaas-builder %s: want %d directory arguments, got %d", args[0], n, len(args)-1)
		}
		return nil
	}
	switch args[0] {
	case "detect": // SOURCE METADATA
		if err := need(2); err != nil {
			return err
		}
		return network.BuilderDetect(args[2])
	case "build": // SOURCE METADATA OUTPUT
		if err := need(3); err != nil {
			return err
		}
		return network.BuilderBuild(args[1], args[2], args[3], os.Getenv("CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"))
	case "release": // BUILD RELEASE
		if err := need(2); err != nil {
			return err
		}
		return network.BuilderRelease(args[1], args[2])
	}
	return fmt.Errorf("ccaas-builder: unknown step %q", args[0])
}
