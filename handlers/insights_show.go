package handlers

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// The insights dashboard (admins): messages and billable messages by
// category per day, spend by market and category, free and paid messages,
// service replies and their cost — from the daily pricing rollup, never
// the messages themselves, so that it answers fast over millions.

// insightsMaxDays is the longest range the dashboard shows at once;
// ranges of insightsDailyDays or more are drawn a week a bar.
const (
	insightsMaxDays   = 366
	insightsDailyDays = 62
)

// insightsQuery is the dashboard's filters, checked.
type insightsQuery struct {
	from, to  time.Time
	channelID int64
	raw       views.InsightsView
}

// parseInsightsQuery reads from, to and channel; the last 30 days of all
// channels by default. Errors are keyed by field.
func parseInsightsQuery(ctx context.Context, q url.Values, now time.Time) insightsQuery {
	today := now.UTC().Truncate(24 * time.Hour)
	iq := insightsQuery{from: today.AddDate(0, 0, -29), to: today}
	iq.raw = views.InsightsView{From: q.Get("from"), To: q.Get("to"), ChannelID: q.Get("channel"), Errors: views.Errors{}}
	if iq.raw.From == "" {
		iq.raw.From = iq.from.Format(time.DateOnly)
	}
	if iq.raw.To == "" {
		iq.raw.To = iq.to.Format(time.DateOnly)
	}
	var err error
	if iq.from, err = time.Parse(time.DateOnly, iq.raw.From); err != nil {
		iq.raw.Errors["from"] = i18n.T(ctx, "pricing.insights.bad_date")
	}
	if iq.to, err = time.Parse(time.DateOnly, iq.raw.To); err != nil {
		iq.raw.Errors["to"] = i18n.T(ctx, "pricing.insights.bad_date")
	}
	if len(iq.raw.Errors) == 0 {
		switch {
		case iq.to.Before(iq.from):
			iq.raw.Errors["to"] = i18n.T(ctx, "pricing.insights.to_before_from")
		case iq.to.Sub(iq.from) >= insightsMaxDays*24*time.Hour:
			iq.raw.Errors["to"] = i18n.T(ctx, "pricing.insights.too_long", "Count", insightsMaxDays)
		}
	}
	if c := q.Get("channel"); c != "" {
		if iq.channelID, err = strconv.ParseInt(c, 10, 64); err != nil || (iq.channelID <= 0 && iq.channelID != store.DemoHistoryChannel) {
			iq.channelID, iq.raw.ChannelID = 0, ""
		}
	}
	if len(iq.raw.Errors) == 0 {
		iq.raw.Errors = nil
	}
	return iq
}

func (iq insightsQuery) encode() string {
	v := url.Values{"from": {iq.from.Format(time.DateOnly)}, "to": {iq.to.Format(time.DateOnly)}}
	if iq.channelID != 0 {
		v.Set("channel", strconv.FormatInt(iq.channelID, 10))
	}
	return v.Encode()
}

// insightsShow shows the dashboard.
func (s *Server) insightsShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	iq := parseInsightsQuery(ctx, r.URL.Query(), time.Now())
	v := iq.raw
	chs, err := s.db.ListChannels(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, c := range chs {
		id := strconv.FormatInt(c.ID, 10)
		v.Channels = append(v.Channels, views.ChannelOption{ID: id, Title: c.Title, Selected: id == v.ChannelID})
	}
	// The demo's sample traffic is filed under a channel of its own.
	if demo, err := s.db.HasDemoPricing(ctx); err != nil {
		s.serverError(w, r, err)
		return
	} else if demo {
		id := strconv.FormatInt(store.DemoHistoryChannel, 10)
		v.Channels = append(v.Channels, views.ChannelOption{ID: id, Title: i18n.T(ctx, "pricing.insights.demo_channel"), Selected: id == v.ChannelID})
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		days, err := s.db.PricingDays(ctx, iq.channelID, iq.from, iq.to)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		fillInsights(ctx, &v, iq, days)
		v.CSVURL = "/insights.csv?" + iq.encode()
		if v.Sections, err = s.insightsSections(ctx, iq); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, views.InsightsPage(s.page(w, r, i18n.T(ctx, "pricing.insights.title"), views.NavInsights), v))
}

// Category order and colour classes of the charts.
var insightCategories = []string{pricing.Marketing, pricing.Utility, pricing.Authentication, pricing.Service}

func categoryClass(c string) string {
	switch c {
	case pricing.Marketing, pricing.MarketingLite:
		return "series-marketing"
	case pricing.Utility:
		return "series-utility"
	case pricing.Authentication, pricing.AuthenticationInternational:
		return "series-authentication"
	case pricing.Service:
		return "series-service"
	}
	return "series-other"
}

// chartCategory folds a category into one of the charts' series.
func chartCategory(c string) string {
	switch c {
	case pricing.MarketingLite:
		return pricing.Marketing
	case pricing.AuthenticationInternational:
		return pricing.Authentication
	case pricing.Marketing, pricing.Utility, pricing.Authentication, pricing.Service:
		return c
	}
	return "misc"
}

// freeKind folds a pricing type and billing into the free-vs-paid series.
func freeKind(d store.DailyPricing) string {
	switch {
	case d.Billable > 0 && d.Type == pricing.TypeRegular:
		return "paid"
	case d.Type == pricing.TypeFreeEntryPoint:
		return "free_entry_point"
	case d.Type == pricing.TypeFreeCustomerService:
		return "free_customer_service"
	case d.Type == "not_billed":
		return "not_billed"
	}
	return "paid"
}

// fillInsights turns the rollup into totals, charts and tables.
func fillInsights(ctx context.Context, v *views.InsightsView, iq insightsQuery, days []store.DailyPricing) {
	// A day a bar up to two months; beyond, a week a bar (from the
	// range's first day), so that a year stays readable and light.
	var labels []string
	index := map[string]int{}
	weekly := iq.to.Sub(iq.from) >= insightsDailyDays*24*time.Hour
	for d, i := iq.from, 0; !d.After(iq.to); d, i = d.AddDate(0, 0, 1), i+1 {
		if !weekly {
			index[d.Format(time.DateOnly)] = len(labels)
			labels = append(labels, shortDate(ctx, d))
			continue
		}
		if i%7 == 0 {
			labels = append(labels, i18n.T(ctx, "pricing.insights.week_of", "Date", shortDate(ctx, d)))
		}
		index[d.Format(time.DateOnly)] = len(labels) - 1
	}
	n := len(labels)
	rowHeader := i18n.T(ctx, "pricing.insights.col_day")
	if weekly {
		rowHeader = i18n.T(ctx, "pricing.insights.col_week")
	}
	cats := append(append([]string{}, insightCategories...), "misc")
	msgs, billed := map[string][]float64{}, map[string][]float64{}
	for _, c := range cats {
		msgs[c], billed[c] = make([]float64, n), make([]float64, n)
	}
	kinds := []string{"paid", "free_customer_service", "free_entry_point", "not_billed"}
	free := map[string][]float64{}
	for _, k := range kinds {
		free[k] = make([]float64, n)
	}
	replies, repliesBilled, repliesCost := make([]float64, n), make([]float64, n), make([]float64, n)
	type mk struct{ market, currency string }
	spend := map[mk]map[string]float64{}
	var totalMsgs, totalBilled int
	totalSpend := map[string]int64{}
	replyCurrency := ""
	for _, d := range days {
		i, ok := index[d.Day.Format(time.DateOnly)]
		if !ok {
			continue
		}
		c := chartCategory(d.Category)
		msgs[c][i] += float64(d.Messages)
		billed[c][i] += float64(d.Billable)
		free[freeKind(d)][i] += float64(d.Messages)
		totalMsgs += d.Messages
		totalBilled += d.Billable
		if d.Currency != "" && d.Micros != 0 {
			totalSpend[d.Currency] += d.Micros
			k := mk{d.Market, d.Currency}
			if spend[k] == nil {
				spend[k] = map[string]float64{}
			}
			spend[k][c] += float64(d.Micros) / 1e6
		}
		if d.Category == pricing.Service {
			replies[i] += float64(d.Messages)
			repliesBilled[i] += float64(d.Billable)
			repliesCost[i] += float64(d.Micros) / 1e6
			if d.Currency != "" && replyCurrency == "" {
				replyCurrency = d.Currency
			}
		}
	}
	count := func(f float64) string { return i18n.Int(ctx, int64(math64(f))) }
	currencies := make([]string, 0, len(totalSpend))
	for c := range totalSpend {
		currencies = append(currencies, c)
	}
	sort.Strings(currencies)
	mainCurrency := "USD"
	if len(currencies) > 0 {
		mainCurrency = currencies[0]
	}
	money := func(cur string) func(float64) string {
		return func(f float64) string { return formatPrice(ctx, int64(f*1e6+0.5), cur) }
	}
	var spendWords []string
	for _, c := range currencies {
		spendWords = append(spendWords, formatPrice(ctx, totalSpend[c], c))
	}
	if len(spendWords) == 0 {
		spendWords = []string{formatPrice(ctx, 0, mainCurrency)}
	}
	freeCount := 0
	for _, k := range kinds[1:] {
		for _, x := range free[k] {
			freeCount += int(x)
		}
	}
	v.Totals = []views.InsightTotal{
		{Label: i18n.T(ctx, "pricing.insights.total_messages"), Value: i18n.Int(ctx, int64(totalMsgs)), TestID: "total-messages"},
		{Label: i18n.T(ctx, "pricing.insights.total_billable"), Value: i18n.Int(ctx, int64(totalBilled)), TestID: "total-billable"},
		{Label: i18n.T(ctx, "pricing.insights.total_free"), Value: i18n.Int(ctx, int64(freeCount)), TestID: "total-free"},
		{Label: i18n.T(ctx, "pricing.insights.total_spend"), Value: strings.Join(spendWords, " + "), TestID: "total-spend"},
	}
	v.Note = i18n.T(ctx, "pricing.insights.note")

	catSeries := func(vals map[string][]float64) []views.ChartSeries {
		var out []views.ChartSeries
		for _, c := range cats {
			out = append(out, views.ChartSeries{Name: categoryName(ctx, c), Class: categoryClass(c), Values: vals[c]})
		}
		return out
	}
	dayTable := func(series []views.ChartSeries, format func(float64) string) views.InsightTable {
		t := views.InsightTable{RowHeader: rowHeader}
		for _, s := range series {
			t.Columns = append(t.Columns, s.Name)
		}
		t.Columns = append(t.Columns, i18n.T(ctx, "pricing.insights.col_total"))
		for i, l := range labels {
			row := views.InsightRow{Label: l}
			sum := 0.0
			for _, s := range series {
				row.Values = append(row.Values, format(s.Values[i]))
				sum += s.Values[i]
			}
			row.Values = append(row.Values, format(sum))
			t.Rows = append(t.Rows, row)
		}
		return t
	}
	ms, bs := catSeries(msgs), catSeries(billed)
	v.Charts = append(v.Charts,
		views.InsightChart{ID: "messages", Title: i18n.T(ctx, "pricing.insights.messages_title"),
			Summary: i18n.T(ctx, "pricing.insights.messages_summary", "Count", totalMsgs),
			Chart:   views.NewBarChart(labels, ms, count), Table: dayTable(ms, count)},
		views.InsightChart{ID: "billable", Title: i18n.T(ctx, "pricing.insights.billable_title"),
			Summary: i18n.T(ctx, "pricing.insights.billable_summary", "Count", totalBilled),
			Chart:   views.NewBarChart(labels, bs, count), Table: dayTable(bs, count)})

	// Spend by market (and currency), stacked by category, dearest first.
	keys := make([]mk, 0, len(spend))
	sums := map[mk]float64{}
	for k, byCat := range spend {
		keys = append(keys, k)
		for _, x := range byCat {
			sums[k] += x
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if sums[keys[i]] != sums[keys[j]] {
			return sums[keys[i]] > sums[keys[j]]
		}
		return keys[i].market < keys[j].market
	})
	var mLabels []string
	spendSeries := make([]views.ChartSeries, len(cats))
	for j, c := range cats {
		spendSeries[j] = views.ChartSeries{Name: categoryName(ctx, c), Class: categoryClass(c)}
	}
	st := views.InsightTable{RowHeader: i18n.T(ctx, "pricing.insights.col_market")}
	for _, c := range cats {
		st.Columns = append(st.Columns, categoryName(ctx, c))
	}
	st.Columns = append(st.Columns, i18n.T(ctx, "pricing.insights.col_total"))
	for _, k := range keys {
		label := marketLabel(ctx, k.market)
		if len(currencies) > 1 {
			label += " · " + k.currency
		}
		mLabels = append(mLabels, label)
		row := views.InsightRow{Label: label}
		for j, c := range cats {
			spendSeries[j].Values = append(spendSeries[j].Values, spend[k][c])
			row.Values = append(row.Values, money(k.currency)(spend[k][c]))
		}
		row.Values = append(row.Values, money(k.currency)(sums[k]))
		st.Rows = append(st.Rows, row)
	}
	v.Charts = append(v.Charts, views.InsightChart{ID: "spend", Title: i18n.T(ctx, "pricing.insights.spend_title"),
		Summary: i18n.T(ctx, "pricing.insights.spend_summary", "Amount", strings.Join(spendWords, " + ")),
		Chart:   views.NewBarChart(mLabels, spendSeries, money(mainCurrency)), Table: st})

	// Free and paid.
	var fs []views.ChartSeries
	for _, k := range kinds {
		fs = append(fs, views.ChartSeries{Name: i18n.T(ctx, "pricing.insights.kind."+k), Class: "series-" + strings.ReplaceAll(k, "_", "-"), Values: free[k]})
	}
	v.Charts = append(v.Charts, views.InsightChart{ID: "free", Title: i18n.T(ctx, "pricing.insights.free_title"),
		Summary: i18n.T(ctx, "pricing.insights.free_summary", "Free", freeCount, "Paid", totalMsgs-freeCount),
		Chart:   views.NewBarChart(labels, fs, count), Table: dayTable(fs, count)})

	// Service replies and their cost.
	if replyCurrency == "" {
		replyCurrency = mainCurrency
	}
	rs := []views.ChartSeries{{Name: i18n.T(ctx, "pricing.insights.reply_cost"), Class: "series-service", Values: repliesCost}}
	rt := views.InsightTable{RowHeader: rowHeader, Columns: []string{
		i18n.T(ctx, "pricing.insights.col_replies"), i18n.T(ctx, "pricing.insights.col_replies_billed"), i18n.T(ctx, "pricing.insights.reply_cost")}}
	var totalReplies, totalRepliesCost float64
	for i, l := range labels {
		rt.Rows = append(rt.Rows, views.InsightRow{Label: l, Values: []string{count(replies[i]), count(repliesBilled[i]), money(replyCurrency)(repliesCost[i])}})
		totalReplies += replies[i]
		totalRepliesCost += repliesCost[i]
	}
	v.Charts = append(v.Charts, views.InsightChart{ID: "replies", Title: i18n.T(ctx, "pricing.insights.replies_title"),
		Summary: i18n.T(ctx, "pricing.insights.replies_summary", "Count", int(totalReplies), "Amount", money(replyCurrency)(totalRepliesCost)),
		Chart:   views.NewBarChart(labels, rs, money(replyCurrency)), Table: rt})
}

// categoryName is a category's name in charts.
func categoryName(ctx context.Context, c string) string {
	return i18n.T(ctx, "pricing.insights.series."+c)
}

// shortDate is a day on a chart's axis.
func shortDate(ctx context.Context, d time.Time) string {
	return i18n.Date(ctx, d)
}

func math64(f float64) float64 {
	if f < 0 {
		return 0
	}
	return f + 0.5
}
