#!/usr/bin/env python3
"""Reproduces Payara Micro's NCLS-SECURITY-01144 deployment failure on demand (README, "Operating notes").

Payara Micro 6.2025.6+ keeps the WAR's temporary deployment class loader only in a WeakReference
(DeploymentContextImpl.sharableTemp). This starts Payara Micro with target/herald.war under a debugger,
suspends the main thread at ApplicationLifecycle.prepare right after that loader is created (line 432 in
6.2025.10), forces a GC with jcmd, resumes, and reports whether the WAR deployed.

    python3 tools/payara-ncls-repro.py [gc|nogc] [payara-micro.jar] [line]

'gc' (default) should end in NCLS-SECURITY-01144; 'nogc' (the control) in a deployed Herald.
Needs a JDK (jdb, jcmd) and `mvn -B package -Dmaven.test.skip=true` first. Port 18181 and 8787 on loopback.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

mode = sys.argv[1] if len(sys.argv) > 1 else "gc"
project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
jar = sys.argv[2] if len(sys.argv) > 2 else os.path.join(project, "target/payara/payara-micro.jar")
line = sys.argv[3] if len(sys.argv) > 3 else "432"
breakpoint = "com.sun.enterprise.v3.server.ApplicationLifecycle:" + line
root = tempfile.mkdtemp(prefix="payara-ncls-")
log_path = os.path.join(root, "server.log")

server = subprocess.Popen(
    ["java", "-Xmx512m", "-Xss256k", "-XX:+UseG1GC",
     "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:8787",
     "-jar", jar, "--prebootcommandfile", os.path.join(project, "src/main/payara/preboot.asadmin"),
     "--deploy", os.path.join(project, "target/herald.war"), "--contextroot", "/", "--port", "18181",
     "--nocluster", "--disablephonehome", "--rootdir", os.path.join(root, "root")],
    stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
time.sleep(2)
jdb = subprocess.Popen(["jdb", "-connect", "com.sun.jdi.SocketAttach:hostname=127.0.0.1,port=8787"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
seen = []
threading.Thread(target=lambda: [seen.append(out) for out in jdb.stdout], daemon=True).start()


def send(command):
    jdb.stdin.write(command + "\n")
    jdb.stdin.flush()


def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def log():
    with open(log_path, errors="replace") as f:
        return f.read()


try:
    time.sleep(3)
    send("stop thread at " + breakpoint)  # suspends only the thread that hits it
    send("run")
    if not wait_for(lambda: any("Breakpoint hit" in out for out in seen), 180):
        sys.exit("breakpoint " + breakpoint + " not hit: another Payara version? pass its line number")
    if mode == "gc":
        subprocess.run(["jcmd", str(server.pid), "GC.run"], check=True, capture_output=True)
    send("clear " + breakpoint)
    send("cont")
    time.sleep(1)
    send("quit")
    wait_for(lambda: "NCLS-SECURITY-01144" in log() or "Payara Micro URLs" in log(), 300)
    if "NCLS-SECURITY-01144" in log():
        print("NCLS-SECURITY-01144: the deployment failed (" + mode + "); log " + log_path)
    else:
        try:
            body = urllib.request.urlopen("http://127.0.0.1:18181/health/ready", timeout=10).read().decode()
        except Exception as e:  # noqa: BLE001 - report whatever the server answered
            body = str(e)
        print(("deployed" if "herald-hub" in body else "not deployed") + " (" + mode + "): " + body[:200])
finally:
    jdb.kill()
    server.terminate()
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()
