"""Course frame: syllabus on the home page, lesson front matter, reading time, glossary tooltips."""
