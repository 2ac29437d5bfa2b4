"""Sphinx extension: build the book without its solutions (the student edition).

sphinx-exercise's own ``hide_solutions`` drops ``{solution}`` directives but not
gated ones (``{solution-start}`` ... ``{solution-end}`` around code cells): their
code would stay visible and the build fails on the leftover end marker. With
``student_edition: true`` in the Sphinx configuration, this transform runs after
sphinx-exercise has merged gated solutions into ordinary solution nodes, and
removes every solution node, gated or not, and every container of class
``instructors-only`` (a sentence that points to the instructor guide, which the
student book leaves out). ``make student-book`` switches it on.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx_exercise.nodes import solution_node


class RemoveSolutions(SphinxTransform):
    default_priority = 11  # after sphinx-exercise's MergeGatedSolutions (priority 10)

    def apply(self):
        if not self.config.student_edition:
            return
        for node in list(self.document.findall(solution_node)):
            node.parent.remove(node)
        for node in list(self.document.findall(nodes.container)):
            if "instructors-only" in node["classes"]:
                node.parent.remove(node)


def setup(app):
    app.add_config_value("student_edition", False, "env")
    app.add_transform(RemoveSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
