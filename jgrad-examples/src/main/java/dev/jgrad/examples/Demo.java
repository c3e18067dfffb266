package dev.jgrad.examples;
public class Demo { public static void main(String[] a){ System.out.println("hello " + Runtime.version()); } }
