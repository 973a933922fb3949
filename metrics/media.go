package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wadesk/wadesk/store"
)

// MediaSource reads what the media store holds at scrape time.
type MediaSource struct {
	// Usage counts messages' files by state (*store.DB MediaUsage).
	Usage func(ctx context.Context) (store.MediaUsage, error)
	// Disk is the number of stored files and their bytes on disk.
	Disk func() (files, bytes int64, err error)
}

var (
	mediaFilesDesc = prometheus.NewDesc("wadesk_media_files",
		"Messages' files by what became of wadesk's copy: kept, pending (to be downloaded), gone (the provider no longer had it), failed.",
		[]string{"state"}, nil)
	mediaDiskDesc = prometheus.NewDesc("wadesk_media_disk_bytes",
		"Bytes the media store uses (each distinct file once).", nil, nil)
	mediaBlobsDesc = prometheus.NewDesc("wadesk_media_blobs",
		"Distinct files in the media store.", nil, nil)
)

type mediaCollector struct {
	src MediaSource
	log *slog.Logger
}

func (c *mediaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- mediaFilesDesc
	ch <- mediaDiskDesc
	ch <- mediaBlobsDesc
}

func (c *mediaCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c.src.Usage != nil {
		u, err := c.src.Usage(ctx)
		if err != nil {
			c.log.Warn("metrics: media usage", "err", err)
		} else {
			for state, n := range map[string]int64{"kept": u.Kept, "pending": u.Pending, "gone": u.Gone, "failed": u.Failed} {
				ch <- prometheus.MustNewConstMetric(mediaFilesDesc, prometheus.GaugeValue, float64(n), state)
			}
		}
	}
	if c.src.Disk != nil {
		files, bytes, err := c.src.Disk()
		if err != nil {
			c.log.Warn("metrics: media disk use", "err", err)
			return
		}
		ch <- prometheus.MustNewConstMetric(mediaDiskDesc, prometheus.GaugeValue, float64(bytes))
		ch <- prometheus.MustNewConstMetric(mediaBlobsDesc, prometheus.GaugeValue, float64(files))
	}
}
