package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// changeChannel is the PostgreSQL notification channel on which every
// appended change is announced, so other nodes need not wait for a poll.
const changeChannel = "newsdesk_changes"

// notifyChange announces a change when its transaction commits (PostgreSQL
// delivers NOTIFY at commit, and not at all on rollback). SQLite has one
// node, which polls.
func (d dialect) notifyChange(ctx context.Context, tx *sql.Tx, seq int64) error {
	if d.name != "postgres" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, changeChannel, fmt.Sprint(seq))
	return err
}

// WatchChanges calls wake whenever a transaction appends to the change
// log, until ctx ends. On PostgreSQL that is any node's transaction
// (LISTEN/NOTIFY); after a lost connection it reconnects (with back-off) and
// calls wake(true), as notifications may have been missed meanwhile. On
// SQLite it hears this process's commits; other processes (a command run
// beside the server) are found by the followers' polling.
func (s *Store) WatchChanges(ctx context.Context, wake func(reconnected bool), onError func(error)) {
	if s.d.name != "postgres" {
		ch := s.watchers.add()
		defer s.watchers.remove(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				wake(false)
			}
		}
	}
	backoff := 100 * time.Millisecond
	for first := true; ctx.Err() == nil; first = false {
		err := s.listen(ctx, func() {
			backoff = 100 * time.Millisecond
			wake(!first)
		}, func() { wake(false) })
		if ctx.Err() != nil {
			return
		}
		if onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// listen holds one connection in LISTEN until it fails; listening is called
// once the LISTEN is in place, notified for each notification.
func (s *Store) listen(ctx context.Context, listening, notified func()) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("listen for changes: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("listen for changes: driver connection is %T", driverConn)
		}
		c := pc.Conn()
		if _, err := c.Exec(ctx, "LISTEN "+changeChannel); err != nil {
			return fmt.Errorf("listen for changes: %w", err)
		}
		// The connection goes back to the pool when this returns; it must
		// not keep listening there.
		defer c.Exec(context.WithoutCancel(ctx), "UNLISTEN "+changeChannel)
		listening()
		for {
			if _, err := c.WaitForNotification(ctx); err != nil {
				return fmt.Errorf("listen for changes: %w", err)
			}
			notified()
		}
	})
}

// watchers are the channels told when a transaction of this process that
// appended to the change log commits.
type watchers struct {
	mu  sync.Mutex
	chs map[chan struct{}]struct{}
}

func (w *watchers) add() chan struct{} {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.chs == nil {
		w.chs = map[chan struct{}]struct{}{}
	}
	w.chs[ch] = struct{}{}
	return ch
}

func (w *watchers) remove(ch chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.chs, ch)
}

func (w *watchers) signal() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.chs {
		select {
		case ch <- struct{}{}:
		default: // already pending
		}
	}
}
