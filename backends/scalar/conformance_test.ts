import { conformance } from "../../tests/conformance.ts";
import { scalarBackend } from "./mod.ts";
conformance(scalarBackend);
