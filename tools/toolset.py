"""The list of tool modules. Importing one registers its tools; the order here is the order users see."""
import tools.affinity  # noqa: F401
import tools.hype  # noqa: F401
import tools.hype_watch  # noqa: F401
import tools.forecast  # noqa: F401
import tools.persona  # noqa: F401
import tools.cadence  # noqa: F401
import tools.launch  # noqa: F401
import tools.reports  # noqa: F401
