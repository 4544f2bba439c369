// Package fabric connects to the agritrace network through the fabric-gateway client as one org's
// identity: submit and evaluate contract transactions, and follow chaincode events.
package fabric

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/agritrace/agritrace/domain"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// Client is one org identity's connection to its own peer's gateway service.
type Client struct {
	Profile  Profile
	Gateway  *client.Gateway
	Network  *client.Network
	Contract *client.Contract
	conn     *grpc.ClientConn
}

// Connect opens a gateway connection to the profile's peer as the profile's identity.
func Connect(p Profile) (*Client, error) {
	caPEM, err := os.ReadFile(p.Peer.TLSCA)
	if err != nil {
		return nil, fmt.Errorf("read TLS CA of %s: %w", p.MSPID, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s", p.Peer.TLSCA)
	}
	conn, err := grpc.NewClient("dns:///"+p.Peer.Address, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, "")))
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", p.Peer.Address, err)
	}
	id, sign, err := loadIdentity(p.Identity.CertDir, p.Identity.KeyDir, p.MSPID)
	if err != nil {
		conn.Close()
		return nil, err
	}
	gw, err := client.Connect(id, client.WithSign(sign), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(10*time.Second), client.WithEndorseTimeout(30*time.Second),
		client.WithSubmitTimeout(10*time.Second), client.WithCommitStatusTimeout(time.Minute))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect gateway at %s: %w", p.Peer.Address, err)
	}
	nw := gw.GetNetwork(p.Channel)
	return &Client{Profile: p, Gateway: gw, Network: nw, Contract: nw.GetContract(p.Chaincode), conn: conn}, nil
}

func loadIdentity(certDir, keyDir, mspID string) (*identity.X509Identity, identity.Sign, error) {
	certs, err := filepath.Glob(filepath.Join(certDir, "*.pem"))
	if err != nil || len(certs) == 0 {
		return nil, nil, fmt.Errorf("no signing certificate in %s", certDir)
	}
	certPEM, err := os.ReadFile(certs[0])
	if err != nil {
		return nil, nil, err
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("parse %s: %w", certs[0], err)
	}
	id, err := identity.NewX509Identity(mspID, cert)
	if err != nil {
		return nil, nil, err
	}
	keys, err := os.ReadDir(keyDir)
	if err != nil || len(keys) == 0 {
		return nil, nil, fmt.Errorf("no private key in %s", keyDir)
	}
	keyPEM, err := os.ReadFile(filepath.Join(keyDir, keys[0].Name()))
	if err != nil {
		return nil, nil, err
	}
	pk, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("parse private key: %w", err)
	}
	sign, err := identity.NewPrivateKeySign(pk)
	return id, sign, err
}

// Close releases the connection.
func (c *Client) Close() {
	c.Gateway.Close()
	c.conn.Close()
}

// Committed is the outcome of a committed submit.
type Committed struct {
	Result []byte
	TxID   string
	Block  uint64
}

// Submit endorses, orders and waits for the commit of a transaction. transient carries private data;
// with it, endorsement is restricted to endorsingOrgs (the parties of the private collection).
func (c *Client) Submit(ctx context.Context, fn string, args []string, transient map[string][]byte, endorsingOrgs ...string) (Committed, error) {
	opts := []client.ProposalOption{client.WithArguments(args...)}
	if len(transient) > 0 {
		opts = append(opts, client.WithTransient(transient))
	}
	if len(endorsingOrgs) > 0 {
		opts = append(opts, client.WithEndorsingOrganizations(endorsingOrgs...))
	}
	proposal, err := c.Contract.NewProposal(fn, opts...)
	if err != nil {
		return Committed{}, fmt.Errorf("create proposal %s: %w", fn, err)
	}
	txID := proposal.TransactionID()
	tx, err := proposal.EndorseWithContext(ctx)
	// An endorsing peer that has not yet committed the block the gateway peer just committed
	// simulates against older state, and the endorsements differ. It catches up within
	// milliseconds; nothing was submitted, so endorsing the same proposal again is safe.
	for attempt := 1; err != nil && attempt <= 5 && endorsementsDiffer(err); attempt++ {
		select {
		case <-ctx.Done():
			return Committed{TxID: txID}, &TxError{TxID: txID, Stage: "endorse", Err: ctx.Err()}
		case <-time.After(time.Duration(attempt*100) * time.Millisecond):
		}
		tx, err = proposal.EndorseWithContext(ctx)
	}
	if err != nil {
		return Committed{TxID: txID}, &TxError{TxID: txID, Stage: "endorse", Err: err}
	}
	commit, err := tx.SubmitWithContext(ctx)
	if err != nil {
		return Committed{TxID: txID}, &TxError{TxID: txID, Stage: "submit", Err: err}
	}
	status, err := commit.StatusWithContext(ctx)
	if err != nil {
		return Committed{TxID: txID}, &TxError{TxID: txID, Stage: "commit-status", Err: err}
	}
	if !status.Successful {
		return Committed{TxID: txID, Block: status.BlockNumber}, &TxError{TxID: txID, Stage: "commit",
			Code: status.Code.String(), Err: fmt.Errorf("transaction %s invalid: %s", txID, status.Code)}
	}
	return Committed{Result: tx.Result(), TxID: txID, Block: status.BlockNumber}, nil
}

// Evaluate runs a query on the org's peer.
func (c *Client) Evaluate(ctx context.Context, fn string, args ...string) ([]byte, error) {
	b, err := c.Contract.EvaluateWithContext(ctx, fn, client.WithArguments(args...))
	if err != nil {
		return nil, fmt.Errorf("evaluate %s: %w", fn, err)
	}
	return b, nil
}

// TxError is a failed submit with the transaction ID and the stage that failed.
type TxError struct {
	TxID  string
	Stage string // endorse, submit, commit-status, commit
	Code  string // validation code when the commit was invalid (e.g. MVCC_READ_CONFLICT)
	Err   error
}

func (e *TxError) Error() string { return fmt.Sprintf("%s of tx %s: %v", e.Stage, e.TxID, e.Err) }
func (e *TxError) Unwrap() error { return e.Err }

// IsMVCCConflict reports a commit refused because another tx changed what this one read.
func IsMVCCConflict(err error) bool {
	var te *TxError
	return errors.As(err, &te) && (te.Code == "MVCC_READ_CONFLICT" || te.Code == "PHANTOM_READ_CONFLICT")
}

// endorsementsDiffer reports the gateway failing to assemble a transaction from endorsements that
// do not match — peers simulated against different heights: an EndorseError with status Aborted
// whose endorsers, when named, refused nothing (Fabric names them with "payloads do not match").
// A contract's refusal is Aborted too, but its endorsers carry the contract's error, which is not
// retried. Nothing was submitted, so endorsing again is safe.
func endorsementsDiffer(err error) bool {
	var ee *client.EndorseError
	if !errors.As(err, &ee) {
		return false
	}
	var msgs []string
	for _, d := range ee.Details() {
		msgs = append(msgs, d.GetMessage())
	}
	return mismatchOnly(status.Code(ee), msgs)
}

// mismatchOnly: an aborted endorsement none of whose endorsers reported a refusal of the contract
// (domain errors cross Fabric encoded in the message, see domain.AsError).
func mismatchOnly(code codes.Code, endorserMessages []string) bool {
	if code != codes.Aborted {
		return false
	}
	for _, m := range endorserMessages {
		if _, refused := domain.AsError(errors.New(m)); refused {
			return false
		}
	}
	return true
}
