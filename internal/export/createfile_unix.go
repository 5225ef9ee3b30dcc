//go:build unix

package export

import (
	"errors"
	"os"
	"syscall"
)

// createFile writes data to name, created or truncated, as os.WriteFile
// does, in the three system calls that takes. os.WriteFile also sets each
// file up for the runtime's poller (which regular files do not use): for
// the 36,000 files of a 10,000-article export that was a sixth of the time
// spent writing them.
func createFile(name string, data []byte) error {
	var fd int
	for {
		var err error
		fd, err = syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EINTR) {
			return &os.PathError{Op: "open", Path: name, Err: err}
		}
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return &os.PathError{Op: "write", Path: name, Err: err}
		}
		if n == 0 {
			syscall.Close(fd)
			return &os.PathError{Op: "write", Path: name, Err: syscall.EIO}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: name, Err: err}
	}
	return nil
}
