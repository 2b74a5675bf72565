"""One module per scenario; each defines scenario(net, args, result) and calls runner.run()."""
