package synth_test

import "github.com/discovery-node/discovery"

func discoveryPage(limit int) discovery.Page { return discovery.Page{Limit: limit} }
