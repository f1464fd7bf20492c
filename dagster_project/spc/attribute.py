def attribute_chart(*a, **k): raise NotImplementedError
