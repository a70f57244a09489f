"""Every scene builder of the course, one import away: `from course_lib.view.widgets import *`."""
from .network_view import backprop_stepper, network_explorer
from .part1 import descent_explorer, two_valley_explorer
from .part2 import bowl_explorer
from .part3 import chain_graph_explorer
from .part6 import batch_comparison
from .part7 import activation_explorer, digit_predictions, mlp_trainer

__all__ = ["descent_explorer", "two_valley_explorer", "bowl_explorer", "chain_graph_explorer",
           "network_explorer", "backprop_stepper", "batch_comparison", "activation_explorer",
           "mlp_trainer", "digit_predictions"]
