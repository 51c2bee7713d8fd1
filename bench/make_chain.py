#!/usr/bin/python3
"""Writes a chain of N unary float nodes (Relu, Neg, Abs, Sigmoid in turn) on a [1, 8] input.

usage: make_chain.py N OUT.onnx   (Debian python3-onnx)
"""
import sys

import onnx
from onnx import TensorProto, helper

n, out = int(sys.argv[1]), sys.argv[2]
ops = ["Relu", "Neg", "Abs", "Sigmoid"]
nodes, prev = [], "x"
for i in range(n):
    nodes.append(helper.make_node(ops[i % len(ops)], [prev], [f"t{i}"], name=f"n{i}"))
    prev = f"t{i}"
g = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                      [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, 8])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), out)
