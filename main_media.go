package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/wadesk/wadesk/media"
)

// mediaStoreConfig says where kept files live: "local" (a media/ folder
// in the data directory, the default) or "s3" (an S3-compatible bucket,
// for several instances sharing the files).
type mediaStoreConfig struct {
	kind string
	s3   media.S3Config
}

// addMediaFlags declares the media store's flags, each with its
// environment variable.
func addMediaFlags(fs *flag.FlagSet, getenv func(string) string) *mediaStoreConfig {
	c := &mediaStoreConfig{}
	fs.StringVar(&c.kind, "media-store", envDefault(getenv, "WADESK_MEDIA_STORE", "local"),
		"where kept files live: local (DATA/media) or s3 (an S3-compatible bucket) (env WADESK_MEDIA_STORE)")
	fs.StringVar(&c.s3.Endpoint, "media-s3-endpoint", getenv("WADESK_MEDIA_S3_ENDPOINT"),
		"S3 endpoint, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:7070 (env WADESK_MEDIA_S3_ENDPOINT)")
	fs.StringVar(&c.s3.Region, "media-s3-region", envDefault(getenv, "WADESK_MEDIA_S3_REGION", "us-east-1"),
		"S3 region (env WADESK_MEDIA_S3_REGION)")
	fs.StringVar(&c.s3.Bucket, "media-s3-bucket", getenv("WADESK_MEDIA_S3_BUCKET"),
		"S3 bucket; it must exist (env WADESK_MEDIA_S3_BUCKET)")
	fs.StringVar(&c.s3.Prefix, "media-s3-prefix", getenv("WADESK_MEDIA_S3_PREFIX"),
		"put before every object's name, e.g. wadesk/ (env WADESK_MEDIA_S3_PREFIX)")
	fs.StringVar(&c.s3.AccessKey, "media-s3-access-key", getenv("WADESK_MEDIA_S3_ACCESS_KEY"),
		"S3 access key (env WADESK_MEDIA_S3_ACCESS_KEY)")
	fs.StringVar(&c.s3.SecretKey, "media-s3-secret-key", getenv("WADESK_MEDIA_S3_SECRET_KEY"),
		"S3 secret key; prefer the environment variable, since flags show in the process list (env WADESK_MEDIA_S3_SECRET_KEY)")
	return c
}

// check refuses an incomplete configuration before anything starts.
func (c *mediaStoreConfig) check() error {
	switch c.kind {
	case "local":
		return nil
	case "s3":
		if c.s3.Endpoint == "" || c.s3.Bucket == "" {
			return errors.New("--media-store s3 needs --media-s3-endpoint and --media-s3-bucket (or WADESK_MEDIA_S3_ENDPOINT and WADESK_MEDIA_S3_BUCKET)")
		}
		if c.s3.AccessKey == "" || c.s3.SecretKey == "" {
			return errors.New("--media-store s3 needs the bucket's access key and secret key (WADESK_MEDIA_S3_ACCESS_KEY and WADESK_MEDIA_S3_SECRET_KEY)")
		}
		return nil
	}
	return fmt.Errorf("--media-store %q: use local or s3", c.kind)
}

// open opens the configured store in dataDir (the local one, or the
// bucket with its temporary files under dataDir).
func (c *mediaStoreConfig) open(ctx context.Context, dataDir string) (media.Store, error) {
	if c == nil || c.kind == "" || c.kind == "local" {
		b, err := media.OpenBlobs(filepath.Join(dataDir, "media"))
		if err != nil {
			return nil, err
		}
		return media.Local(b), nil
	}
	cfg := c.s3
	cfg.TempDir = filepath.Join(dataDir, "media", "tmp")
	return media.OpenS3(ctx, cfg)
}
