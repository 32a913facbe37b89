"""What our plugins share, written once: not a plugin.

- :mod:`.store`: the content-addressed cache (one folder per owner, pruned by its owner).
- :mod:`.codekey`: which course modules a script imports, and their code's digest (comments
  and formatting left out).
- :mod:`.pages`: a page's source lines: front-matter offset, fenced code, the problem type
  that carries a page line, project-relative paths.
- :mod:`.values`: ``{{ name }}`` placeholders.
- :mod:`.suggest`: "did you mean".
- :mod:`.logcount`: counting the warnings MkDocs logs.
- :mod:`.assets`: the shared JavaScript base (``assets/base.js``, ``window.AFP``).
"""
