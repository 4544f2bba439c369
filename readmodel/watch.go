package readmodel

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
)

// watchCheckpoint keeps the in-memory checkpoint of a PostgreSQL store in step with writes made by
// whichever replica holds the writer lock: the writer NOTIFYs each new block on commit; a re-read
// after every (re)connection and every few seconds covers notifications missed meanwhile.
func (s *Store) watchCheckpoint(ctx context.Context, url string) {
	refresh := func(ctx context.Context) {
		if cp, err := s.Checkpoint(ctx); err == nil {
			s.advance(cp.Block)
		}
	}
	l := &pgxlisten.Listener{
		Connect:        func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, url) },
		ReconnectDelay: time.Second,
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				slog.Warn("read model: checkpoint notifications", "err", err)
			}
		},
	}
	l.Handle(checkpointChannel, checkpointHandler{s, refresh})
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				refresh(ctx)
			}
		}
	}()
	_ = l.Listen(ctx)
}

type checkpointHandler struct {
	s       *Store
	refresh func(context.Context)
}

func (h checkpointHandler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	if b, err := strconv.ParseUint(n.Payload, 10, 64); err == nil {
		h.s.advance(b)
	}
	return nil
}

// HandleBacklog runs once LISTEN is in place after each (re)connection.
func (h checkpointHandler) HandleBacklog(ctx context.Context, _ string, _ *pgx.Conn) error {
	h.refresh(ctx)
	return nil
}
