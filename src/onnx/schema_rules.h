// Facts of the ai.onnx operator schemas (input/output counts, type parameters), generated at build
// time from libonnx (tools/onnx_schema_table.cpp), so an imported node is checked against the
// standard before any operator code reads it.
#pragma once
#include <string>
#include <vector>

#include "ir/graph.h"

namespace eg::onnx_import {

// Checks n's input and output counts against its schema at `opset` (throws CompileError naming the
// node) and returns the type rule of each of its inputs; empty when the op has no ai.onnx schema.
// For opsets newer than libonnx knows, counts and fixed types may have changed since: only the
// type-parameter groups are kept then.
std::vector<InputTypeRule> schema_input_types(const Node& n, int64_t opset, const std::string& path);

}  // namespace eg::onnx_import
