"""The book's figures and demos: one module per chapter, the plot style, the demo player.

Nothing here is part of the loss reference in :mod:`lossutils`; these modules draw.
A chapter's page and its lab call the figures of that chapter's module::

    from lossutils.figures import chapter04 as figures

=================  ====================================================================
``style``          the one plot style and the figure standard (size, fonts, legends)
``player``         demos that respond without a kernel: pre-drawn frames and sliders
``live``           demos live in a kernel (ipywidgets), with the frame player as fallback
``chapter01``      Chapter 1, where the loss sits: the project diagram, a fit step by step
``chapter02``      Chapter 2, underfitting and overfitting: fits of growing degree
``chapter03``      Chapter 3, loss and cost: the cost bowl of a line
``chapter04``      Chapter 4, the 0-1 loss and the squared loss: is this digit a zero?
``chapter05``      Chapter 5, MSE and MAE: outliers and the pull of each sample
``chapter06``      Chapter 6, entropy and cross-entropy: coins, dice, KL, binary logits
``chapter07``      Chapter 7, softmax and its loss: overflow, pitfalls, temperature
``chapter08``      Chapter 8, handwritten digits: curves and mistakes of two trained readers
``chapter09``      Chapter 9, is a smaller loss better: overfitting, memorising, confidence
``appendix``       Appendix, what the from-scratch losses cost: the benchmark's figure
=================  ====================================================================

A figure function takes the data it draws (what a lab computed) and returns a
matplotlib figure; a demo function takes the lab's own functions too, and returns a
:class:`~lossutils.figures.live.LiveDemo`: sliders that call them again in a kernel, and
a :class:`~lossutils.figures.player.FramePlayer` of pre-drawn frames for the website.
"""
