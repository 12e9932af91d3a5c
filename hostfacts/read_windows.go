//go:build windows

package hostfacts

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// readWindows runs the same commands README asks a customer to run and
// reads their outputs with the same parsers. cmd.exe switches its code
// page to UTF-8 first (chcp 65001): netsh and ipconfig otherwise print in
// the OEM code page, GBK on Chinese Windows.
func readWindows(ctx context.Context) (*Facts, error) {
	f, err := fromOutputs(ctx, "this host", windowsOutputs(ctx))
	if err != nil {
		return nil, err
	}
	f.Source = "this host"
	return f, nil
}

// windowsOutputs runs the commands and returns their outputs.
func windowsOutputs(ctx context.Context) []Output {
	run := func(cmd string) Output {
		out, _ := exec.CommandContext(ctx, "cmd", "/d", "/c", "chcp 65001 >nul & "+cmd).Output()
		return Output{Command: cmd, Text: string(out)}
	}
	outs := []Output{run("ver"), run("netsh interface ipv4 show interfaces")}
	ifs, _ := ParseNetshInterfaces(outs[1].Text)
	for _, ifc := range ifs {
		for _, fam := range []string{"ipv4", "ipv6"} {
			outs = append(outs, run("netsh interface "+fam+" show interface "+strconv.Itoa(ifc.Index)))
		}
	}
	outs = append(outs, run("ipconfig /all"), run("netsh http show sslcert"), run("netsh advfirewall show allprofiles state"))
	// %windir% holds no spaces, so the path needs no quoting inside
	// cmd /c's own quotes.
	if _, err := os.Stat(filepath.Join(os.Getenv("windir"), "system32", "inetsrv", "appcmd.exe")); err == nil {
		outs = append(outs, run(`%windir%\system32\inetsrv\appcmd.exe list site`))
	}
	return append(outs, run("netsh http show iplisten"))
}
