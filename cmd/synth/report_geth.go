package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/discovery-node/discovery/internal/benchtest"
)

// gethSection reports the backfill from a real geth --dev beside the synth
// runs, with a comparison computed from both.
func gethSection(b *strings.Builder, res *results) {
	g := res.Geth
	if g == nil {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	l := g.Load
	p("## Backfill from a real geth --dev\n\n")
	p("The runs above read chains from our own JSON-RPC server; this one reads a chain a real node built and serves: geth %s (`geth --dev --dev.period %d --dev.gaslimit %d --miner.gaslimit %[3]d %s`), with EntityManager and Plays deployed and the content protocol's actions relayed to them as signed transactions (`devchain.LoadBench`, seed %d): users created, tracks uploaded and edited, playlists, follows, subscriptions, reposts and saves and their undoing, deletes, plays, verifications, and %s actions the indexer must refuse (wrong signers, duplicates, broken metadata, squatted handles, missing and deleted tracks). %d accounts relay at once, with nonces kept locally, in %d phases each mined before the next, so no action depends on the order geth puts two accounts' transactions in. Loading is not measured; then `discovery run` indexes the chain into PostgreSQL from the deploy block, every validation on, through a local proxy that counts the JSON-RPC traffic, until `/health_check` reports the last loaded block indexed.\n\n",
		g.Version, int(time.Duration(g.Period)/time.Second), g.GasLimit, strings.Join(g.Args, " "), res.Seed, count(float64(l.Rejected)),
		l.Relayers, l.Phases)
	blocks := len(l.EventsByBlock)
	busiest := 0
	for _, n := range l.EventsByBlock {
		busiest = max(busiest, n)
	}
	final := 0
	if g.Finalized >= l.FirstBlock {
		final = int(min(g.Finalized, l.LastBlock) - l.FirstBlock + 1)
	}
	p("geth --dev finalizes every 32nd block; when the backfill started its finalized block was %d, so %d of the %d loaded blocks were final (discovery writes undo images for blocks not yet final).\n\n",
		g.Finalized, final, blocks)
	p("| ManageEntity events | to be refused | Play logs | verifications | users / tracks / playlists | transactions | blocks | events per block (mean / max) | metadata | loading took |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	p("| %s | %s | %s | %s | %s / %s / %s | %s | %s (%d–%d) | %s / %s | %s | %s |\n\n",
		count(float64(l.Events)), count(float64(l.Rejected)), count(float64(l.Plays)), count(float64(l.Verifications)),
		count(float64(l.Users)), count(float64(l.Tracks)), count(float64(l.Playlists)), count(float64(l.Transactions)),
		count(float64(blocks)), l.FirstBlock, l.LastBlock, count(float64(l.Events)/math.Max(float64(blocks), 1)), count(float64(busiest)),
		fmt.Sprintf("%.0f KB", float64(l.MetadataBytes)/1e3), ms(g.LoadTime))
	r := g.Backfill
	if r == nil {
		p("The backfill did not run (see the failures above).\n\n")
		return
	}
	done := "yes"
	if !r.Complete {
		done = fmt.Sprintf("%.0f%% (cap)", 100*float64(r.EventsIndexed)/float64(max(r.Events, 1)))
	}
	p("| store | events | done | wall | events/s | blocks/s | peak RSS | discovery CPU | PostgreSQL CPU | geth CPU | harness CPU | other CPU | CPU ms / 1k events | RPC requests / 1k events | RPC KB / 1k events | logs counted (loaded) | refused (expected) |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f cores | %s | %.2f | %s | %s (%s) | %s (%s) |\n\n",
		r.Store, count(float64(r.Events)), done, ms(r.Wall), count(r.EventsPerSec), count(r.BlocksPerSec), mb(r.PeakRSS),
		ms(r.CPU), ms(r.PostgresCPU), ms(g.GethCPU), ms(r.HarnessCPU), r.OtherCores, count(r.PerThousand(int64((r.CPU+r.PostgresCPU)/time.Millisecond))),
		r.PerThousand(r.RPCRequests), count(r.PerThousand(r.RPCBytes)/1000), count(r.Applied+r.Rejected), count(float64(l.Logs())),
		count(r.Rejected), count(float64(r.WantRejected)))
	p("Blocks/s counts the blocks from the deploy block to the last indexed. \"Geth CPU\" is geth's, from the run's database being created to discovery's stop (serving the backfill, and mining an empty block a second); it is part of \"other CPU\", every core busy with anything but discovery, its PostgreSQL backends and the harness (here the counting proxy and the polling). \"Logs counted\" is discovery's `discovery_content_actions_total`, applied and refused, against the ManageEntity, Play and ManageIsVerified logs read back from geth after loading.\n\n")
	p("%s\n\n", gethComparison(res, r))
	p("The run: `%s` (`--rpc` is the counting proxy in front of geth). This part alone: `script/bench -only geth` (add `--quick` for %s events).\n\n",
		r.Command, count(float64(quickPlan.GethEvents)))
}

// gethComparison compares the geth run with the synth server's PostgreSQL
// backfill closest to it in size.
func gethComparison(res *results, r *benchtest.BackfillResult) string {
	var synth *benchtest.BackfillResult
	for _, x := range res.Backfills {
		if x.Store != "postgres" || len(x.Args) > 0 || !x.Complete {
			continue
		}
		if synth == nil || math.Abs(math.Log(float64(x.Events)/float64(r.Events))) < math.Abs(math.Log(float64(synth.Events)/float64(r.Events))) {
			synth = x
		}
	}
	if synth == nil || synth.EventsPerSec == 0 || !r.Complete {
		return "No complete synth-server backfill into PostgreSQL ran in this suite to compare with."
	}
	size := "the same size"
	if synth.Events != r.Events {
		size = fmt.Sprintf("the closest size, %s events", count(float64(synth.Events)))
	}
	shape := ""
	for _, c := range res.Chains {
		if c.Events == synth.Events && !c.Live {
			// The synth server's finalized block is 64 below its head.
			shape = fmt.Sprintf(" (%s blocks, %s of them final)", count(float64(c.Blocks)), count(float64(max(0, c.Blocks-64))))
		}
	}
	ratio := r.EventsPerSec / synth.EventsPerSec
	return fmt.Sprintf("Against the synth server's PostgreSQL backfill of %s%s, which ran at %s events/s in %s with %s RPC KB per 1,000 events, the backfill from geth ran at %s events/s in %s with %s RPC KB per 1,000 events: ×%.2f the rate.",
		size, shape, count(synth.EventsPerSec), ms(synth.Wall), count(synth.PerThousand(synth.RPCBytes)/1000),
		count(r.EventsPerSec), ms(r.Wall), count(r.PerThousand(r.RPCBytes)/1000), ratio)
}
