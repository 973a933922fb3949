package views

import (
	"math"
	"strconv"
)

// Server-side charts: the geometry of a stacked bar chart, computed here
// and drawn as SVG by the templ components in insights.templ (no script).
// Every chart has the same numbers in a table beside it.

// Chart dimensions in SVG user units; the SVG scales to its container.
const (
	chartWidth   = 640.0
	chartHeight  = 220.0
	chartLeft    = 56.0 // room for the y axis labels
	chartBottom  = 28.0 // room for the x axis labels
	chartTop     = 8.0
	chartMaxBars = 400
)

// ChartSeries is one stacked series: a value per label.
type ChartSeries struct {
	Name   string
	Class  string // CSS class giving its colour
	Values []float64
}

// BarChart is a stacked bar chart ready to draw.
type BarChart struct {
	Width, Height float64
	PlotLeft      float64
	PlotBottom    float64
	Bars          []ChartBar
	Ticks         []ChartTick
	Legend        []ChartSeries
	Empty         bool
}

// ChartBar is one bar: its label and its segments, bottom first.
type ChartBar struct {
	X, W      float64
	Label     string
	ShowLabel bool
	LabelX    float64
	Segments  []ChartSegment
}

// ChartSegment is one series' part of a bar; Title is read by screen
// readers and shown on hover.
type ChartSegment struct {
	Y, H  float64
	Class string
	Title string
}

// ChartTick is a y axis line and its label.
type ChartTick struct {
	Y     float64
	Label string
}

// NewBarChart lays out stacked bars for labels, one segment per series,
// formatting values with format (tick labels and titles).
func NewBarChart(labels []string, series []ChartSeries, format func(float64) string) BarChart {
	c := BarChart{Width: chartWidth, Height: chartHeight, PlotLeft: chartLeft, PlotBottom: chartHeight - chartBottom, Legend: series}
	if len(labels) > chartMaxBars {
		labels = labels[:chartMaxBars]
	}
	top := 0.0
	for i := range labels {
		sum := 0.0
		for _, s := range series {
			if i < len(s.Values) {
				sum += s.Values[i]
			}
		}
		top = math.Max(top, sum)
	}
	if top <= 0 {
		c.Empty = true
		top = 1
	}
	top = niceCeil(top)
	plotH := c.PlotBottom - chartTop
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		c.Ticks = append(c.Ticks, ChartTick{Y: c.PlotBottom - plotH*float64(i)/4, Label: format(v)})
	}
	n := float64(max(1, len(labels)))
	slot := (chartWidth - chartLeft) / n
	w := math.Max(1, slot*0.7)
	every := int(math.Ceil(n / 8)) // at most about eight x labels
	for i, l := range labels {
		b := ChartBar{X: chartLeft + slot*float64(i) + (slot-w)/2, W: w, Label: l, ShowLabel: i%every == 0,
			LabelX: chartLeft + slot*float64(i) + slot/2}
		y := c.PlotBottom
		for _, s := range series {
			if i >= len(s.Values) || s.Values[i] <= 0 {
				continue
			}
			h := plotH * s.Values[i] / top
			y -= h
			b.Segments = append(b.Segments, ChartSegment{Y: y, H: h, Class: s.Class, Title: l + ", " + s.Name + ": " + format(s.Values[i])})
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten, so that the
// axis reads well.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// svgNum writes an SVG coordinate.
func svgNum(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
