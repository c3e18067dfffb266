package dev.jgrad.kernels.simd;

import dev.jgrad.kernels.ArithProgram;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessFlag;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One vector loop per {@link ArithProgram} shape and dtype, generated as bytecode (the JDK's
 * class-file API) and defined as a hidden class: the program's operations become straight-line
 * {@code FloatVector}/{@code DoubleVector} calls on the operand stack, which C2 compiles like the
 * hand-written loops, with every intermediate in a register. (An interpreter switching on the
 * instructions per vector would keep its values in boxed vectors; a fixed set of hand-written
 * shapes would not cover the chain rule's products and sums.) The loop reads each row leaf with
 * whole vectors, broadcast leaves once, and writes one result vector per step; the tail runs the
 * same operations on scalars ({@code fmul} etc., the same IEEE operations in the dtype). A value
 * the program reads twice ({@link ArithProgram#tee}) sits in a local variable in between. A shape is
 * compiled once per JVM and kept.
 */
final class ArithLoops {
    /** A generated loop: see {@link dev.jgrad.kernels.Kernels#arithRange}, arrays as {@code float[]} or {@code double[]}. */
    interface Loop {
        void run(Object[] arrays, int[] offsets, Object out, int outOff, int n);
    }

    private static final ConcurrentHashMap<String, Loop> LOOPS = new ConcurrentHashMap<>();
    /**
     * Shapes kept at most; beyond, the cache starts over (the dropped hidden classes can then be
     * unloaded). A program builds expressions of a handful of shapes; this bounds one that makes
     * ever new ones.
     */
    static final int MAX_SHAPES = 1024;

    private ArithLoops() {
    }

    /** The loop for {@code p} on float32 ({@code f32}) or float64 arrays, generated on first use. */
    static Loop get(ArithProgram p, boolean f32) {
        String key = (f32 ? "f:" : "d:") + p.key();
        Loop loop = LOOPS.get(key);
        if (loop == null) {
            if (LOOPS.size() >= MAX_SHAPES) {
                LOOPS.clear();
            }
            loop = LOOPS.computeIfAbsent(key, k -> define(p, f32));
        }
        return loop;
    }

    private static final ClassDesc SPECIES = ClassDesc.of("jdk.incubator.vector.VectorSpecies");
    private static final ClassDesc VECTOR = ClassDesc.of("jdk.incubator.vector.Vector");

    private static Loop define(ArithProgram p, boolean f32) {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        ClassDesc self = ClassDesc.of(ArithLoops.class.getPackageName() + ".ArithLoop");
        byte[] bytes = ClassFile.of().build(self, cb -> cb
                .withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC)
                .withInterfaceSymbols(ClassDesc.of(Loop.class.getName()))
                .withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, c -> c
                        .aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_())
                .withMethodBody("run", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object.arrayType(),
                                ConstantDescs.CD_int.arrayType(), ConstantDescs.CD_Object, ConstantDescs.CD_int, ConstantDescs.CD_int),
                        ClassFile.ACC_PUBLIC, c -> new Body(c, p, f32).emit()));
        try {
            Class<?> loop = lookup.defineHiddenClass(bytes, true).lookupClass();
            return (Loop) loop.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jgrad: could not define the fused loop for " + p, e);
        }
    }

    /** Emits {@code run}: slots 0 this, 1 arrays, 2 offsets, 3 out, 4 outOff, 5 n. */
    private static final class Body {
        private final CodeBuilder c;
        private final ArithProgram p;
        private final ClassDesc vec;
        private final ClassDesc array;
        private final TypeKind kind;
        private final int lanes;
        private final int[] arraySlot;
        private final int[] offsetSlot;
        private final int[] vectorSlot;
        private final int[] scalarSlot;
        private final int[] localVector;
        private final int[] localScalar;

        Body(CodeBuilder c, ArithProgram p, boolean f32) {
            this.c = c;
            this.p = p;
            this.vec = ClassDesc.of(f32 ? "jdk.incubator.vector.FloatVector" : "jdk.incubator.vector.DoubleVector");
            this.array = (f32 ? ConstantDescs.CD_float : ConstantDescs.CD_double).arrayType();
            this.kind = f32 ? TypeKind.FLOAT : TypeKind.DOUBLE;
            this.lanes = f32 ? FloatLanes.S.length() : DoubleLanes.S.length();
            int leaves = p.leaves();
            arraySlot = new int[leaves];
            offsetSlot = new int[leaves];
            vectorSlot = new int[leaves];
            scalarSlot = new int[leaves];
            localVector = new int[p.locals()];
            localScalar = new int[p.locals()];
        }

        void emit() {
            for (int l = 0; l < p.leaves(); l++) {
                arraySlot[l] = c.allocateLocal(TypeKind.REFERENCE);
                offsetSlot[l] = c.allocateLocal(TypeKind.INT);
                c.aload(1).loadConstant(l).aaload().checkcast(array).astore(arraySlot[l]);
                c.aload(2).loadConstant(l).iaload().istore(offsetSlot[l]);
                if (p.broadcast(l)) {
                    scalarSlot[l] = c.allocateLocal(kind);
                    vectorSlot[l] = c.allocateLocal(TypeKind.REFERENCE);
                    c.aload(arraySlot[l]).iload(offsetSlot[l]).arrayLoad(kind).storeLocal(kind, scalarSlot[l]);
                    species();
                    c.loadLocal(kind, scalarSlot[l]);
                    c.invokestatic(vec, "broadcast", MethodTypeDesc.of(vec, SPECIES, kind.upperBound()));
                    c.astore(vectorSlot[l]);
                }
            }
            // The program's locals, one vector and one scalar slot each (set before the loop, so
            // the verifier sees them typed at the loop heads).
            for (int k = 0; k < p.locals(); k++) {
                localVector[k] = c.allocateLocal(TypeKind.REFERENCE);
                localScalar[k] = c.allocateLocal(kind);
                c.aconst_null().astore(localVector[k]);
                if (kind == TypeKind.FLOAT) {
                    c.fconst_0();
                } else {
                    c.dconst_0();
                }
                c.storeLocal(kind, localScalar[k]);
            }
            int out = c.allocateLocal(TypeKind.REFERENCE);
            int bound = c.allocateLocal(TypeKind.INT);
            int i = c.allocateLocal(TypeKind.INT);
            c.aload(3).checkcast(array).astore(out);
            // lanes is a power of two: n rounded down to whole vectors.
            c.iload(5).loadConstant(-lanes).iand().istore(bound);
            c.iconst_0().istore(i);
            Label vectorHead = c.newLabel();
            Label tailHead = c.newLabel();
            Label done = c.newLabel();
            c.labelBinding(vectorHead);
            c.iload(i).iload(bound).if_icmpge(tailHead);
            for (int k = 0; k < p.length(); k++) {
                int ins = p.instruction(k);
                if (ArithProgram.teeLocal(ins) >= 0) {
                    c.dup().astore(localVector[ArithProgram.teeLocal(ins)]);
                } else if (ArithProgram.loadLocal(ins) >= 0) {
                    c.aload(localVector[ArithProgram.loadLocal(ins)]);
                } else if (ins >= 0 && p.broadcast(ins)) {
                    c.aload(vectorSlot[ins]);
                } else if (ins >= 0) {
                    species();
                    c.aload(arraySlot[ins]).iload(offsetSlot[ins]).iload(i).iadd();
                    c.invokestatic(vec, "fromArray", MethodTypeDesc.of(vec, SPECIES, array, ConstantDescs.CD_int));
                } else if (ins == ArithProgram.NEG) {
                    c.invokevirtual(vec, "neg", MethodTypeDesc.of(vec));
                } else {
                    c.invokevirtual(vec, vectorOp(ins), MethodTypeDesc.of(vec, VECTOR));
                }
            }
            c.aload(out).iload(4).iload(i).iadd();
            c.invokevirtual(vec, "intoArray", MethodTypeDesc.of(ConstantDescs.CD_void, array, ConstantDescs.CD_int));
            c.iinc(i, lanes);
            c.goto_(vectorHead);
            c.labelBinding(tailHead);
            c.iload(i).iload(5).if_icmpge(done);
            c.aload(out).iload(4).iload(i).iadd();
            for (int k = 0; k < p.length(); k++) {
                int ins = p.instruction(k);
                if (ArithProgram.teeLocal(ins) >= 0) {
                    if (kind == TypeKind.FLOAT) {
                        c.dup();
                    } else {
                        c.dup2();
                    }
                    c.storeLocal(kind, localScalar[ArithProgram.teeLocal(ins)]);
                } else if (ArithProgram.loadLocal(ins) >= 0) {
                    c.loadLocal(kind, localScalar[ArithProgram.loadLocal(ins)]);
                } else if (ins >= 0 && p.broadcast(ins)) {
                    c.loadLocal(kind, scalarSlot[ins]);
                } else if (ins >= 0) {
                    c.aload(arraySlot[ins]).iload(offsetSlot[ins]).iload(i).iadd().arrayLoad(kind);
                } else {
                    scalarOp(ins);
                }
            }
            c.arrayStore(kind);
            c.iinc(i, 1);
            c.goto_(tailHead);
            c.labelBinding(done);
            c.return_();
        }

        private void species() {
            c.getstatic(vec, "SPECIES_PREFERRED", SPECIES);
        }

        private static String vectorOp(int ins) {
            return switch (ins) {
                case ArithProgram.ADD -> "add";
                case ArithProgram.SUB -> "sub";
                case ArithProgram.MUL -> "mul";
                case ArithProgram.DIV -> "div";
                default -> throw new IllegalArgumentException("instruction " + ins);
            };
        }

        private void scalarOp(int ins) {
            boolean f = kind == TypeKind.FLOAT;
            switch (ins) {
                case ArithProgram.ADD -> { if (f) c.fadd(); else c.dadd(); }
                case ArithProgram.SUB -> { if (f) c.fsub(); else c.dsub(); }
                case ArithProgram.MUL -> { if (f) c.fmul(); else c.dmul(); }
                case ArithProgram.DIV -> { if (f) c.fdiv(); else c.ddiv(); }
                case ArithProgram.NEG -> { if (f) c.fneg(); else c.dneg(); }
                default -> throw new IllegalArgumentException("instruction " + ins);
            }
        }
    }
}
