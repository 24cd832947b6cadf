/*
 * pyread.h - for the unit tests that read an XLSX back with a real reader:
 * runs Debian's /usr/bin/python3 (with python3-openpyxl) on a script and
 * captures what it prints.  Include after unit.h.
 */
#ifndef INQUIRYD_PYREAD_H
#define INQUIRYD_PYREAD_H

#include <sys/wait.h>
#include <unistd.h>

#define PYREAD_PYTHON "/usr/bin/python3"

/*
 * Runs python3 -c script arg1 [arg2] and returns its exit status, with
 * its stdout (malloc'd, NUL-terminated) in *out; -1 when it cannot run.
 */
static int
py_run(const char *script, const char *arg1, const char *arg2, char **out)
{
	int fd[2], status;
	pid_t pid;
	size_t len = 0, alloc = 4096;
	ssize_t n;
	char *buf;

	*out = NULL;
	if (access(PYREAD_PYTHON, X_OK) || pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		/*
		 * argv[0] is the full path: Python finds its prefix (and
		 * with it python3-openpyxl) from argv[0], and a bare
		 * "python3" would be looked up in PATH, where another
		 * Python (pyenv, a venv) may come first.
		 */
		execl(PYREAD_PYTHON, PYREAD_PYTHON, "-c", script, arg1, arg2,
		    (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	buf = xmalloc(alloc);
	while ((n = read(fd[0], buf + len, alloc - len - 1)) > 0) {
		len += (size_t)n;
		if (alloc - len < 2)
			buf = xrealloc(buf, alloc *= 2);
	}
	buf[len] = '\0';
	close(fd[0]);
	waitpid(pid, &status, 0);
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* True when openpyxl can be imported; tests skip() otherwise. */
static int
py_have_openpyxl(void)
{
	char *out;
	int rc = py_run("import openpyxl", NULL, NULL, &out);

	free(out);
	return rc == 0;
}

/*
 * Prints every cell of every sheet as "SHEET!A1<TAB>type<TAB>value" with
 * newlines in values shown as \n, then "cached SHEET!A1<TAB>value" for
 * each formula's cached result (data_only), then "sheet NAME",
 * "freeze SHEET REF", "paper SHEET SIZE FITW FITH FITTOPAGE ORIENTATION",
 * "merged SHEET RANGE"
 * and, from the zip itself, "part NAME" for every file in it.
 */
static const char py_dump[] =
    "import sys, zipfile, openpyxl\n"
    "p = sys.argv[1]\n"
    "def esc(v):\n"
    "    return str(v).replace('\\\\', '\\\\\\\\').replace('\\n', '\\\\n')\n"
    "wb = openpyxl.load_workbook(p)\n"
    "for ws in wb.worksheets:\n"
    "    print('sheet %s' % ws.title)\n"
    "    print('freeze %s %s' % (ws.title, ws.freeze_panes))\n"
    "    ps = ws.page_setup\n"
    "    fw = 1 if ps.fitToWidth is None else ps.fitToWidth\n"
    "    fh = 1 if ps.fitToHeight is None else ps.fitToHeight\n"
    "    fit = ws.sheet_properties.pageSetUpPr\n"
    "    print('paper %s %s %s %s %s %s' % (ws.title, ps.paperSize, fw, fh,"
    " fit.fitToPage if fit else None, ps.orientation))\n"
    "    for r in ws.merged_cells.ranges:\n"
    "        print('merged %s %s' % (ws.title, r))\n"
    "    for row in ws.iter_rows():\n"
    "        for c in row:\n"
    "            if c.value is not None:\n"
    "                print('%s!%s\\t%s\\t%s' % (ws.title, c.coordinate,"
    " c.data_type, esc(c.value)))\n"
    "wb = openpyxl.load_workbook(p, data_only=True)\n"
    "for ws in wb.worksheets:\n"
    "    for row in ws.iter_rows():\n"
    "        for c in row:\n"
    "            if c.value is not None:\n"
    "                print('cached %s!%s\\t%s' % (ws.title, c.coordinate,"
    " esc(c.value)))\n"
    "for n in zipfile.ZipFile(p).namelist():\n"
    "    print('part %s' % n)\n";

/* The line of out that starts with prefix, up to its end (static copy). */
static const char *
py_line(const char *out, const char *prefix)
{
	static char line[4096];
	const char *p = out;
	size_t n = strlen(prefix), len;

	while (p && *p) {
		if (!strncmp(p, prefix, n)) {
			len = strcspn(p, "\n");
			if (len >= sizeof(line))
				len = sizeof(line) - 1;
			memcpy(line, p, len);
			line[len] = '\0';
			return line;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

#endif
