// Command loadgen drives the speed-and-scale benchmarks that wrk cannot:
// a stampede (N clients, each on its own connection, released at the same
// instant on one cold page) and a sweep over many distinct pages (to load
// a server with a working set larger than its cache would ever hold).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	stampede := flag.Int("stampede", 0, "release `N` clients at once on -url")
	url := flag.String("url", "", "the page for -stampede")
	paths := flag.String("paths", "", "`FILE` of paths (one a line) to request at random, with -base")
	base := flag.String("base", "http://127.0.0.1:8080", "server for -paths")
	conns := flag.Int("c", 64, "concurrent clients for -paths")
	dur := flag.Duration("d", 30*time.Second, "how long -paths runs")
	flag.Parse()
	switch {
	case *stampede > 0 && *url != "":
		runStampede(*stampede, *url)
	case *paths != "":
		runSweep(*paths, *base, *conns, *dur)
	default:
		log.Fatal("usage: loadgen -stampede N -url URL | -paths FILE [-base URL] [-c N] [-d 30s]")
	}
}

func runStampede(n int, url string) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	codes := make([]int, n)
	errs := make([]error, n)
	lat := make([]time.Duration, n)
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			// One connection per client: nothing is shared, as with n readers.
			client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true, MaxIdleConns: -1}}
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			ready.Done()
			<-start
			t0 := time.Now()
			res, err := client.Do(req)
			lat[i] = time.Since(t0)
			if err != nil {
				errs[i] = err
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	byCode := map[int]int{}
	var failed int
	for i := range n {
		if errs[i] != nil {
			failed++
			if failed <= 3 {
				fmt.Fprintln(os.Stderr, "error:", errs[i])
			}
			continue
		}
		byCode[codes[i]]++
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	fmt.Printf("stampede %d clients: status %v, %d errors, p50 %v, p99 %v, max %v\n", n, byCode, failed,
		lat[n/2].Round(time.Millisecond), lat[n*99/100].Round(time.Millisecond), lat[n-1].Round(time.Millisecond))
}

func runSweep(file, base string, conns int, dur time.Duration) {
	f, err := os.Open(file)
	if err != nil {
		log.Fatal(err)
	}
	var list []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() != "" {
			list = append(list, sc.Text())
		}
	}
	f.Close()
	if len(list) == 0 {
		log.Fatal("no paths")
	}
	var n, bad atomic.Int64
	deadline := time.Now().Add(dur)
	tr := &http.Transport{MaxIdleConnsPerHost: conns}
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", base+list[rand.IntN(len(list))], nil)
				req.Header.Set("Accept-Encoding", "gzip")
				res, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					bad.Add(1)
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	fmt.Printf("sweep %d paths, %d clients, %v: %d requests (%.0f/s), %d not 200\n", len(list), conns, dur, n.Load(),
		float64(n.Load())/dur.Seconds(), bad.Load())
}
