package media

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Files keeps the library's files in an S3-compatible bucket (AWS S3,
// MinIO, Ceph, R2 ...), so every node behind a load balancer serves the
// same files. An object appears whole when its upload completes.
type S3Files struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
}

// OpenS3 connects to the bucket a media URL names:
//
//	s3://BUCKET[/PREFIX]?endpoint=HOST[:PORT][&region=R][&insecure=1]
//
// The endpoint defaults to s3.amazonaws.com; insecure=1 speaks plain HTTP
// (a MinIO on the same network). Credentials come from the environment as
// the AWS tools read them: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
// (and AWS_SESSION_TOKEN). The bucket must exist; OpenS3 checks that it
// does and that the credentials reach it.
func OpenS3(ctx context.Context, rawURL string, getenv func(string) string) (*S3Files, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("media %q: want s3://BUCKET[/PREFIX]?endpoint=HOST", rawURL)
	}
	q := u.Query()
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	creds := credentials.NewStaticV4(getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))
	client, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: q.Get("insecure") != "1", Region: q.Get("region")})
	if err != nil {
		return nil, fmt.Errorf("media %s: %w", redactS3(u), err)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	f := &S3Files{client: client, bucket: u.Host, prefix: prefix}
	checkCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ok, err := client.BucketExists(checkCtx, f.bucket)
	if err != nil {
		return nil, fmt.Errorf("media %s: %w", redactS3(u), err)
	}
	if !ok {
		return nil, fmt.Errorf("media %s: bucket %q does not exist", redactS3(u), f.bucket)
	}
	return f, nil
}

func redactS3(u *url.URL) string { return "s3://" + u.Host + u.Path }

// Put uploads the object unless one of that name and size is there.
func (f *S3Files) Put(ctx context.Context, name string, data []byte) error {
	if info, err := f.client.StatObject(ctx, f.bucket, f.prefix+name, minio.StatObjectOptions{}); err == nil && info.Size == int64(len(data)) {
		return nil
	}
	_, err := f.client.PutObject(ctx, f.bucket, f.prefix+name, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("store %s in bucket %s: %w", name, f.bucket, err)
	}
	return nil
}

// Open reads the object; ranges are served by seeking, which minio-go
// turns into ranged GETs.
func (f *S3Files) Open(ctx context.Context, name string) (io.ReadSeekCloser, time.Time, error) {
	obj, err := f.client.GetObject(ctx, f.bucket, f.prefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("read %s: %w", name, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, time.Time{}, fmt.Errorf("read %s: %w", name, os.ErrNotExist)
		}
		return nil, time.Time{}, fmt.Errorf("read %s: %w", name, err)
	}
	return obj, info.LastModified, nil
}

// Remove deletes the object (S3 does not mind a missing one).
func (f *S3Files) Remove(ctx context.Context, name string) error {
	err := f.client.RemoveObject(ctx, f.bucket, f.prefix+name, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != "NoSuchKey" {
		return fmt.Errorf("remove %s from bucket %s: %w", name, f.bucket, err)
	}
	return nil
}
