package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/e2e/internal/repo"
)

// dockerfileBuild is the Dockerfile's build command, which this test runs on the host with
// buildFlags (the Go toolchain image is not to be had offline); the test fails when the
// Dockerfile no longer holds it.
const dockerfileBuild = `go build -trimpath -ldflags "-s -w" -o /out/sqsmock ./cmd/sqsmock`

// buildFlags are the arguments of dockerfileBuild before its -o.
var buildFlags = []string{"build", "-trimpath", "-ldflags", "-s -w"}

// imageConfig is what `podman image inspect` says of the image (format docker).
type imageConfig struct {
	Os, Architecture string
	Config           struct {
		User         string
		Env          []string
		Entrypoint   []string
		Cmd          []string
		WorkingDir   string
		ExposedPorts map[string]struct{}
	}
	HealthCheck *struct{ Test []string }
}

// TestContainerImage builds the repository's Dockerfile with podman, offline, and checks what a
// container would get: the build context left by .dockerignore builds cmd/sqsmock with the
// Dockerfile's command; the image (target prebuilt, the default target's configuration with that
// binary) holds one static binary, runs as a non-root user, listens on 0.0.0.0:9324 and exposes
// it. Containers cannot run here (crun's setrlimit needs CAP_SYS_RESOURCE), so the image's
// exported filesystem is run on the host, with the image's own entrypoint, arguments, environment
// and user, and probed with aws-sdk-go-v2 and with the image's own health check command.
func TestContainerImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a container image with podman (-short)")
	}
	p := newPodman(t)
	root := repo.Root(t)
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	require.NoError(t, err)
	require.Contains(t, string(dockerfile), dockerfileBuild)
	require.Contains(t, string(dockerfile), "CGO_ENABLED=0 ", "scratch has no libc")

	bin := t.TempDir()
	buildFromContext(t, p, root, filepath.Join(bin, "sqsmock"))
	p.run("build", "--format", "docker", "--pull=never", "--target", "prebuilt",
		"-f", filepath.Join(root, "Dockerfile"), "-t", "localhost/sqsmock-image-test", bin)
	img := p.inspect("localhost/sqsmock-image-test")
	checkConfig(t, img)

	rootfs := hostDir(t)
	p.export("localhost/sqsmock-image-test", rootfs)
	files, err := os.ReadDir(rootfs)
	require.NoError(t, err)
	require.Len(t, files, 1, "one file in the image, /sqsmock")
	checkStatic(t, filepath.Join(rootfs, "sqsmock"))

	env, addr := hostEnv(t, img.Config.Env)
	server := startEntrypoint(t, rootfs, img, env)
	healthcheck := func() error { return imageCommand(rootfs, img, env, img.HealthCheck.Test[1:]...).Run() }
	waitHealthy(t, healthcheck, server)
	probeSQS(t, "http://"+addr)
	stopEntrypoint(t, server)
	assert.Error(t, healthcheck(), "the health check fails once the server is gone")
}

// podman runs podman with its own storage in temporary folders: no state shared with other tests
// or with a user's images. vfs needs no overlay support and cgroupfs/file events need no systemd.
type podman struct {
	t    *testing.T
	bin  string
	opts []string
}

// newPodman finds podman: a missing podman skips the test with how to get it, or fails it in CI.
func newPodman(t *testing.T) podman {
	bin, err := exec.LookPath("podman")
	if err != nil {
		msg := "podman not found: the container image test builds the Dockerfile with it, offline. " +
			"Install it with `apt-get install -y podman` (scripts/test.sh does so when it can)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	return podman{t: t, bin: bin, opts: []string{
		"--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run"), "--tmpdir", filepath.Join(dir, "tmp"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--log-level", "error",
	}}
}

// run runs podman with args and returns its standard output; a failure fails the test.
func (p podman) run(args ...string) []byte {
	p.t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(p.bin, append(slices.Clone(p.opts), args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(p.t, cmd.Run(), "podman %s\n%s", strings.Join(args, " "), stderr.String())
	return stdout.Bytes()
}

// inspect reads an image's configuration.
func (p podman) inspect(image string) imageConfig {
	p.t.Helper()
	var imgs []imageConfig
	require.NoError(p.t, json.Unmarshal(p.run("image", "inspect", image), &imgs))
	require.Len(p.t, imgs, 1)
	return imgs[0]
}

// export unpacks an image's filesystem into dir, through a created (never started) container.
func (p podman) export(image, dir string) {
	p.t.Helper()
	id := strings.TrimSpace(string(p.run("create", image)))
	archive := filepath.Join(p.t.TempDir(), "fs.tar")
	p.run("export", "-o", archive, id)
	require.NoError(p.t, untar(archive, dir))
}

// untar unpacks the directories and regular files of a tar archive into dir.
func untar(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(strings.TrimPrefix(h.Name, "/"))
		if !filepath.IsLocal(name) {
			return fmt.Errorf("%s: outside the archive's root", h.Name)
		}
		if err := unpack(tr, h, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
}

// unpack writes one tar entry to path; entries other than directories and files are skipped.
func unpack(r io.Reader, h *tar.Header, path string) error {
	switch h.Typeflag {
	case tar.TypeDir:
		return os.MkdirAll(path, 0o755)
	case tar.TypeReg:
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, h.FileInfo().Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return nil
}

// buildFromContext builds cmd/sqsmock as the Dockerfile's build stage does: from the build
// context that .dockerignore leaves (copied into an image by podman, then exported), with the
// Dockerfile's command, for this machine's architecture.
func buildFromContext(t *testing.T, p podman, root, out string) {
	t.Helper()
	containerfile := filepath.Join(t.TempDir(), "Containerfile")
	require.NoError(t, os.WriteFile(containerfile, []byte("FROM scratch\nCOPY . /src\nCMD [\"/none\"]\n"), 0o600))
	p.run("build", "--pull=never", "-f", containerfile, "-t", "localhost/sqsmock-image-test-context", root)
	ctx := t.TempDir()
	p.export("localhost/sqsmock-image-test-context", ctx)
	src := filepath.Join(ctx, "src")
	for _, ignored := range []string{".git", "sqsmock.test", "docs", "e2e", "README.md"} {
		_, err := os.Stat(filepath.Join(src, ignored))
		assert.ErrorIs(t, err, fs.ErrNotExist, ".dockerignore leaves %s out", ignored)
	}

	argv := append(slices.Clone(buildFlags), "-o", out, "./cmd/sqsmock")
	cmd := exec.Command("go", argv...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH, "GOFLAGS=", "GOWORK=off")
	output, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s in the build context\n%s", strings.Join(argv, " "), output)
}

// checkConfig checks the image's configuration: the entrypoint, the user, the address, the
// exposed port and the health check.
func checkConfig(t *testing.T, img imageConfig) {
	t.Helper()
	assert.Equal(t, "linux", img.Os)
	assert.Equal(t, []string{"/sqsmock"}, img.Config.Entrypoint)
	uid, gid := imageUser(t, img.Config.User)
	assert.NotZero(t, uid, "not root")
	assert.NotZero(t, gid, "not root's group")
	assert.Contains(t, img.Config.Env, "SQSMOCK_ADDR=0.0.0.0:9324", "listening on every interface of the container")
	assert.Contains(t, img.Config.ExposedPorts, "9324/tcp")
	require.NotNil(t, img.HealthCheck, "a HEALTHCHECK (kept by --format docker)")
	require.GreaterOrEqual(t, len(img.HealthCheck.Test), 2)
	require.Equal(t, "CMD", img.HealthCheck.Test[0], "exec form: scratch has no shell for CMD-SHELL")
	assert.Equal(t, []string{"/sqsmock", "-healthcheck"}, img.HealthCheck.Test[1:])
}

// imageUser parses a numeric USER uid:gid; a name would need /etc/passwd, which scratch lacks.
func imageUser(t *testing.T, user string) (uid, gid uint32) {
	t.Helper()
	u, g, ok := strings.Cut(user, ":")
	require.True(t, ok, "USER %q is uid:gid", user)
	un, err := strconv.ParseUint(u, 10, 32)
	require.NoError(t, err, "USER %q", user)
	gn, err := strconv.ParseUint(g, 10, 32)
	require.NoError(t, err, "USER %q", user)
	return uint32(un), uint32(gn)
}

// checkStatic checks that the binary needs no dynamic loader or shared library.
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	for _, prog := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, prog.Type, "no dynamic loader")
	}
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	assert.Empty(t, libs)
}

// hostDir makes a folder that the image's user may enter too (t.TempDir's parent is private).
func hostDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sqsmock-image-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// hostEnv is the image's environment for a process on the host, and the address to reach it.
// The image listens on 0.0.0.0:9324; when that port is taken on this machine (ElasticMQ's
// default port too, which the test command starts), only the port is changed.
func hostEnv(t *testing.T, env []string) ([]string, string) {
	t.Helper()
	env = slices.Clone(env)
	i := slices.IndexFunc(env, func(v string) bool { return strings.HasPrefix(v, "SQSMOCK_ADDR=") })
	require.GreaterOrEqual(t, i, 0, "the image sets SQSMOCK_ADDR")
	host, port, err := net.SplitHostPort(strings.TrimPrefix(env[i], "SQSMOCK_ADDR="))
	require.NoError(t, err)
	if l, err := net.Listen("tcp", net.JoinHostPort(host, port)); err == nil {
		l.Close()
	} else {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		require.NoError(t, err)
		_, port, _ = net.SplitHostPort(l.Addr().String())
		l.Close()
		t.Logf("%s is taken on this machine: the image's server listens on port %s instead", env[i], port)
		env[i] = "SQSMOCK_ADDR=" + net.JoinHostPort(host, port)
	}
	return env, net.JoinHostPort("127.0.0.1", port)
}

// imageCommand runs a command of the image, as the image's user where this test may switch
// users (as root), with the image's environment only, as in a container.
func imageCommand(rootfs string, img imageConfig, env []string, argv ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(rootfs, argv[0]), argv[1:]...)
	cmd.Env = env
	cmd.Dir = filepath.Join(rootfs, img.Config.WorkingDir)
	if os.Geteuid() == 0 {
		u, g, _ := strings.Cut(img.Config.User, ":")
		uid, _ := strconv.ParseUint(u, 10, 32)
		gid, _ := strconv.ParseUint(g, 10, 32)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	return cmd
}

// entrypoint is the image's server, running on the host.
type entrypoint struct {
	cmd    *exec.Cmd
	output *safeBuffer
	exited chan struct{} // closed when the process has exited, with err its exit
	err    error
}

// startEntrypoint starts the image's entrypoint with its configured arguments.
func startEntrypoint(t *testing.T, rootfs string, img imageConfig, env []string) *entrypoint {
	t.Helper()
	argv := append(slices.Clone(img.Config.Entrypoint), img.Config.Cmd...)
	e := &entrypoint{cmd: imageCommand(rootfs, img, env, argv...), output: &safeBuffer{}, exited: make(chan struct{})}
	e.cmd.Stdout, e.cmd.Stderr = e.output, e.output
	require.NoError(t, e.cmd.Start())
	go func() {
		e.err = e.cmd.Wait()
		close(e.exited)
	}()
	t.Cleanup(func() {
		e.cmd.Process.Kill() // ErrProcessDone once stopped
		<-e.exited
	})
	return e
}

// waitHealthy runs the health check until it passes, as a container engine does, and fails the
// test if the server exits first or is not healthy within 20 s (it takes milliseconds).
func waitHealthy(t *testing.T, healthcheck func() error, server *entrypoint) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := healthcheck()
		if err == nil {
			return
		}
		select {
		case <-server.exited:
			t.Fatalf("the image's entrypoint exited (%v):\n%s", server.err, server.output.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the image's health check still fails (%v); server output:\n%s", err, server.output.String())
		}
	}
}

// probeSQS creates a queue, sends a message and receives it through aws-sdk-go-v2, configured as
// README's docker-compose app is: by AWS_ENDPOINT_URL_SQS and dummy credentials, no code.
func probeSQS(t *testing.T, endpoint string) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_SQS": endpoint, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test",
		"AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_ENDPOINT_URL": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	require.NoError(t, err)
	c := sqs.NewFromConfig(cfg)
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("from-the-image")})
	require.NoError(t, err)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("hello from docker-compose")})
	require.NoError(t, err)
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	assert.Equal(t, "hello from docker-compose", aws.ToString(got.Messages[0].Body))
}

// stopEntrypoint stops the server as a container engine does, with SIGTERM, and expects a
// graceful exit.
func stopEntrypoint(t *testing.T, server *entrypoint) {
	t.Helper()
	require.NoError(t, server.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-server.exited:
		assert.NoError(t, server.err, "exit status after SIGTERM; output:\n%s", server.output.String())
	case <-time.After(15 * time.Second):
		t.Fatalf("the server did not stop on SIGTERM:\n%s", server.output.String())
	}
	assert.Contains(t, server.output.String(), "sqsmock listening")
}

// safeBuffer is a bytes.Buffer for the output of the image's server, written by another goroutine.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
